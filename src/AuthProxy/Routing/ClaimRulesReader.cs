using System.Collections.Immutable;
using AuthProxy.Forwarding;
using AuthProxy.Policy;

namespace AuthProxy.Routing;

/// <summary>Reads a policy's <c>Scopes</c>, <c>Audiences</c>, <c>Claims</c> and <c>ClaimHeaders</c>, reporting every problem.</summary>
internal static class ClaimRulesReader
{
    /// <summary>The header names AuthProxy sets itself, which no <c>ClaimHeaders</c> entry may take.</summary>
    private static readonly string[] Reserved = [IdentityHeaders.User, IdentityHeaders.Graph, IdentityHeaders.Scheme];

    private static readonly System.Buffers.SearchValues<char> TokenCharacters =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>A list of non-empty strings (<c>Scopes</c>, <c>Audiences</c>); empty when absent.</summary>
    public static ImmutableArray<string> ReadStrings(IConfigurationSection section, string where, string what, List<string> problems)
    {
        if (!section.Exists())
        {
            return [];
        }

        if (section.Value is not null)
        {
            problems.Add($"{where}: expected a list such as [\"a\", \"b\"]");
            return [];
        }

        var values = ImmutableArray.CreateBuilder<string>();
        foreach (var item in section.GetChildren())
        {
            if (string.IsNullOrWhiteSpace(item.Value))
            {
                problems.Add($"{where}:{item.Key}: an empty {what}");
            }
            else if (what == "scope" && item.Value.Contains(' ', StringComparison.Ordinal))
            {
                problems.Add($"{where}:{item.Key}: '{item.Value}' holds a space; list each scope on its own");
            }
            else if (!values.Contains(item.Value))
            {
                values.Add(item.Value);
            }
        }

        return values.ToImmutable();
    }

    /// <summary><c>{ "NAME": [values] }</c>; a single string stands for a list of one.</summary>
    public static ImmutableArray<ClaimRule> ReadClaims(IConfigurationSection section, string where, List<string> problems)
    {
        if (!section.Exists())
        {
            return [];
        }

        if (section.Value is not null)
        {
            problems.Add($"{where}: expected an object such as {{ \"tenant\": [\"acme\"] }}");
            return [];
        }

        var rules = ImmutableArray.CreateBuilder<ClaimRule>();
        foreach (var claim in section.GetChildren())
        {
            var values = claim.Value is { } single ? [single] : claim.GetChildren().Select(c => c.Value).ToList();
            if (values.Count == 0 || values.Any(string.IsNullOrEmpty))
            {
                problems.Add($"{where}:{claim.Key}: expected a list of non-empty values the claim must equal (a string claim) or contain (an array claim)");
                continue;
            }

            rules.Add(new ClaimRule(claim.Key, [.. values.Distinct(StringComparer.Ordinal)!]));
        }

        return rules.ToImmutable();
    }

    /// <summary><c>{ "X-AuthProxy-NAME": "claim" }</c>: header names under <c>X-AuthProxy-</c> only, none of AuthProxy's own.</summary>
    public static ImmutableArray<ClaimHeader> ReadClaimHeaders(IConfigurationSection section, string where, List<string> problems)
    {
        if (!section.Exists())
        {
            return [];
        }

        if (section.Value is not null)
        {
            problems.Add($"{where}: expected an object such as {{ \"X-AuthProxy-Claim-Tenant\": \"tenant\" }}");
            return [];
        }

        var headers = ImmutableArray.CreateBuilder<ClaimHeader>();
        foreach (var entry in section.GetChildren())
        {
            var name = entry.Key;
            if (Problem(name, headers) is { } problem)
            {
                problems.Add($"{where}:{name}: {problem}");
            }
            else if (string.IsNullOrEmpty(entry.Value))
            {
                problems.Add($"{where}:{name}: expected the name of the claim to forward");
            }
            else
            {
                headers.Add(new ClaimHeader(name, entry.Value));
            }
        }

        return headers.ToImmutable();
    }

    private static string? Problem(string name, ImmutableArray<ClaimHeader>.Builder headers)
    {
        if (name.AsSpan().ContainsAnyExcept(TokenCharacters))
        {
            return "is not a header name";
        }

        // Only names AuthProxy strips from every client request, in every spelling, may carry a claim.
        if (!name.StartsWith(IdentityHeaders.Prefix, StringComparison.OrdinalIgnoreCase) || name.Length == IdentityHeaders.Prefix.Length)
        {
            return $"claims may be forwarded only in headers named {IdentityHeaders.Prefix}*, which clients can never send";
        }

        foreach (var reserved in Reserved)
        {
            if (HeaderSpelling.Same(name, reserved))
            {
                return $"is {reserved}, which AuthProxy sets itself";
            }
        }

        foreach (var header in headers)
        {
            if (HeaderSpelling.Same(name, header.Header))
            {
                return $"is {header.Header} again (header names are matched ignoring case, '_' and '.')";
            }
        }

        return null;
    }
}
