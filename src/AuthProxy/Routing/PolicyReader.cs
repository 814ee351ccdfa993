using System.Collections.Immutable;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Users;

namespace AuthProxy.Routing;

/// <summary>Reads the <c>AuthPolicies</c> section of the routes file, reporting every problem.</summary>
internal static class PolicyReader
{
    public const string SectionName = "AuthPolicies";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Schemes", "Graph", "Privileges", "ErrorStyle", "ForwardAuthorization",
        "RateLimit", "Concurrency", "Scopes", "Claims", "Audiences", "ClaimHeaders",
    };

    /// <summary>The policies by name (case-insensitive), always including <c>default</c>.</summary>
    public static Dictionary<string, AuthPolicyDefinition> Read(IConfiguration file, List<string> problems)
    {
        var policies = new Dictionary<string, AuthPolicyDefinition>(StringComparer.OrdinalIgnoreCase);
        var section = file.GetSection(SectionName);
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"{SectionName}: expected an object of named policies");
        }

        foreach (var entry in section.GetChildren())
        {
            if (string.Equals(entry.Key, PolicyNames.Anonymous, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{SectionName}:{entry.Key}: 'anonymous' is built in (no authentication) and cannot be redefined");
                continue;
            }

            if (entry.Key.StartsWith(BuiltInPolicies.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{SectionName}:{entry.Key}: names starting with '{BuiltInPolicies.Prefix}' belong to AuthProxy's own endpoints");
                continue;
            }

            if (ReadPolicy(entry, problems) is { } policy)
            {
                policies[policy.Name] = policy;
            }
        }

        if (!policies.ContainsKey(PolicyNames.Default))
        {
            policies[PolicyNames.Default] = AuthPolicyDefinition.CreateDefault();
        }

        return policies;
    }

    private static AuthPolicyDefinition? ReadPolicy(IConfigurationSection entry, List<string> problems)
    {
        var where = $"{SectionName}:{entry.Key}";
        var before = problems.Count;
        foreach (var child in entry.GetChildren())
        {
            if (!KnownKeys.Contains(child.Key))
            {
                problems.Add($"{where}: unknown setting '{child.Key}' (expected {string.Join(", ", KnownKeys)})");
            }
        }

        var schemes = ReadSchemes(entry.GetSection("Schemes"), where, problems);

        GraphSource? graph = null;
        if (entry["Graph"] is { Length: > 0 } graphText && !GraphSource.TryParse(graphText, out graph))
        {
            problems.Add($"{where}:Graph: '{graphText}' must be route:NAME, query:NAME or header:NAME");
        }

        var privileges = UsersReader.ReadPrivileges(entry.GetSection("Privileges"), $"{where}:Privileges", problems);

        var style = ErrorStyle.Restpp;
        if (entry["ErrorStyle"] is { Length: > 0 } styleText && !Enum.TryParse(styleText, ignoreCase: true, out style))
        {
            problems.Add($"{where}:ErrorStyle: '{styleText}' must be Restpp or Problem");
        }

        var forward = false;
        if (entry["ForwardAuthorization"] is { Length: > 0 } forwardText && !bool.TryParse(forwardText, out forward))
        {
            problems.Add($"{where}:ForwardAuthorization: '{forwardText}' must be true or false");
        }

        var rateLimit = LimitReader.ReadRateLimit(entry.GetSection("RateLimit"), $"{where}:RateLimit", problems);
        var concurrency = LimitReader.ReadConcurrency(entry.GetSection("Concurrency"), $"{where}:Concurrency", problems);
        var scopes = ClaimRulesReader.ReadStrings(entry.GetSection("Scopes"), $"{where}:Scopes", "scope", problems);
        var audiences = ClaimRulesReader.ReadStrings(entry.GetSection("Audiences"), $"{where}:Audiences", "audience", problems);
        var claims = ClaimRulesReader.ReadClaims(entry.GetSection("Claims"), $"{where}:Claims", problems);
        var claimHeaders = ClaimRulesReader.ReadClaimHeaders(entry.GetSection("ClaimHeaders"), $"{where}:ClaimHeaders", problems);

        return problems.Count == before
            ? new AuthPolicyDefinition(entry.Key, schemes, graph, [.. privileges.Order(StringComparer.Ordinal)], style, forward)
            {
                RateLimit = rateLimit,
                Concurrency = concurrency,
                Scopes = scopes,
                Audiences = audiences,
                Claims = claims,
                ClaimHeaders = claimHeaders,
            }
            : null;
    }

    private static ImmutableArray<string> ReadSchemes(IConfigurationSection section, string where, List<string> problems)
    {
        if (!section.Exists())
        {
            return [AuthSchemes.Bearer, AuthSchemes.Basic];
        }

        var schemes = ImmutableArray.CreateBuilder<string>();
        foreach (var item in section.GetChildren())
        {
            var canonical = item.Value switch
            {
                { } v when v.Equals(AuthSchemes.Bearer, StringComparison.OrdinalIgnoreCase) => AuthSchemes.Bearer,
                { } v when v.Equals(AuthSchemes.Basic, StringComparison.OrdinalIgnoreCase) => AuthSchemes.Basic,
                _ => null,
            };

            if (canonical is null)
            {
                problems.Add($"{where}:Schemes: '{item.Value}' is not a scheme (Bearer or Basic)");
            }
            else if (!schemes.Contains(canonical))
            {
                schemes.Add(canonical);
            }
        }

        if (schemes.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"{where}:Schemes: expected a list such as [\"Bearer\", \"Basic\"]");
        }
        else if (schemes.Count == 0)
        {
            problems.Add($"{where}:Schemes: lists no scheme; a policy must accept Bearer, Basic or both");
        }

        return schemes.ToImmutable();
    }
}
