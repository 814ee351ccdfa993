using System.Collections.Frozen;
using System.Security.Cryptography;
using AuthProxy.Configuration;
using AuthProxy.Policy;
using Microsoft.AspNetCore.Routing.Patterns;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Routing;

/// <summary>
/// Reads and validates a whole routes file in one pass: JSON, YARP's routes and clusters (with
/// YARP's own validator), the policies, and how routes and policies refer to each other. Returns
/// a snapshot only when there is no problem at all.
/// </summary>
internal sealed class RoutesFileReader
{
    private const string ReverseProxySection = "ReverseProxy";

    private readonly IConfigValidator _yarpValidator;

    public RoutesFileReader(IConfigValidator yarpValidator)
    {
        _yarpValidator = yarpValidator;
    }

    /// <param name="content">The file's bytes.</param>
    /// <param name="enableAuth">False makes every route anonymous (<c>RESTPP:Factory:EnableAuth</c>).</param>
    public async Task<(RoutesSnapshot? Snapshot, List<string> Problems)> ReadAsync(byte[] content, bool enableAuth)
    {
        var problems = new List<string>();
        if (!JsonFile.TryParse(content, out var file, out var jsonError))
        {
            problems.Add(jsonError);
            return (null, problems);
        }

        foreach (var section in file.GetChildren())
        {
            if (!section.Key.StartsWith('$')
                && !string.Equals(section.Key, ReverseProxySection, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(section.Key, PolicyReader.SectionName, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"unknown section '{section.Key}' (expected {ReverseProxySection} and {PolicyReader.SectionName})");
            }
        }

        var policies = PolicyReader.Read(file, problems);
        var clusters = await ReadClustersAsync(file.GetSection($"{ReverseProxySection}:Clusters"), problems);
        var revision = Convert.ToHexString(SHA256.HashData(content), 0, 8) + (enableAuth ? string.Empty : "-noauth");
        // A policy that is declared but has problems of its own is not also "not defined" for the routes naming it.
        var declared = file.GetSection(PolicyReader.SectionName).GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var routes = await ReadRoutesAsync(file.GetSection($"{ReverseProxySection}:Routes"), policies, declared, clusters, enableAuth, revision, problems);

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var frozen = policies.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        return (new RoutesSnapshot(routes, clusters, frozen, frozen[PolicyNames.Default], revision), problems);
    }

    private async Task<List<ClusterConfig>> ReadClustersAsync(IConfigurationSection section, List<string> problems)
    {
        var clusters = new List<ClusterConfig>();
        foreach (var entry in section.GetChildren())
        {
            var where = $"{ReverseProxySection}:Clusters:{entry.Key}";
            if (Bind<ClusterConfig>(entry, where, problems) is not { } bound)
            {
                continue;
            }

            var cluster = bound with { ClusterId = entry.Key };

            foreach (var error in await _yarpValidator.ValidateClusterAsync(cluster))
            {
                problems.Add($"{where}: {error.Message}");
            }

            if (cluster.Destinations is null || cluster.Destinations.Count == 0)
            {
                problems.Add($"{where}: has no Destinations");
            }

            clusters.Add(cluster);
        }

        return clusters;
    }

    private async Task<List<RouteConfig>> ReadRoutesAsync(IConfigurationSection section, Dictionary<string, AuthPolicyDefinition> policies,
        HashSet<string> declared, List<ClusterConfig> clusters, bool enableAuth, string revision, List<string> problems)
    {
        var routes = new List<RouteConfig>();
        var clusterIds = clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.GetChildren())
        {
            var where = $"{ReverseProxySection}:Routes:{entry.Key}";
            if (Bind<RouteConfig>(entry, where, problems) is not { } bound)
            {
                continue;
            }

            var route = bound with { RouteId = entry.Key };

            // YARP checks the route itself; the policy name is checked below against this file's policies.
            foreach (var error in await _yarpValidator.ValidateRouteAsync(route with { AuthorizationPolicy = null }))
            {
                problems.Add($"{where}: {error.Message}");
            }

            UnappliedSettings(route, where, problems);

            if (string.IsNullOrEmpty(route.ClusterId) || !clusterIds.Contains(route.ClusterId))
            {
                problems.Add($"{where}: ClusterId '{route.ClusterId}' names no cluster in {ReverseProxySection}:Clusters");
            }

            var policyName = string.IsNullOrEmpty(route.AuthorizationPolicy) ? PolicyNames.Default : route.AuthorizationPolicy;
            if (!string.Equals(policyName, PolicyNames.Anonymous, StringComparison.OrdinalIgnoreCase))
            {
                if (!policies.TryGetValue(policyName, out var policy))
                {
                    if (!declared.Contains(policyName))
                    {
                        problems.Add($"{where}: AuthorizationPolicy '{policyName}' is not defined in {PolicyReader.SectionName} (nor built in: anonymous, default)");
                    }
                }
                else if (policy.Graph is { Kind: GraphSourceKind.Route } graph && !HasRouteParameter(route, graph.Name))
                {
                    problems.Add($"{where}: policy '{policy.Name}' reads the graph from route value '{graph.Name}', but Match.Path has no {{{graph.Name}}}");
                }
            }

            var metadata = new Dictionary<string, string>(route.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
            {
                [RoutesSnapshot.RevisionMetadataKey] = revision,
            };

            routes.Add(route with
            {
                AuthorizationPolicy = enableAuth ? policyName : PolicyNames.Anonymous,
                Metadata = metadata,
            });
        }

        return routes;
    }

    /// <summary>
    /// YARP route settings that only name ASP.NET Core middleware AuthProxy does not run (CORS, rate
    /// limiting, output caching, request timeouts): such a route would be forwarded as if the setting
    /// were absent (or, for a timeout, fail every request), so each is a problem.
    /// </summary>
    private static void UnappliedSettings(RouteConfig route, string where, List<string> problems)
    {
        (string Name, bool Set, string Instead)[] settings =
        [
            (nameof(RouteConfig.CorsPolicy), !string.IsNullOrEmpty(route.CorsPolicy), "no CORS middleware"),
            (nameof(RouteConfig.RateLimiterPolicy), !string.IsNullOrEmpty(route.RateLimiterPolicy), "no rate-limiting middleware; use the policy's RateLimit or Concurrency"),
            (nameof(RouteConfig.OutputCachePolicy), !string.IsNullOrEmpty(route.OutputCachePolicy), "no output cache"),
            (nameof(RouteConfig.TimeoutPolicy), !string.IsNullOrEmpty(route.TimeoutPolicy), "no request-timeout middleware"),
            (nameof(RouteConfig.Timeout), route.Timeout is not null, "no request-timeout middleware"),
        ];
        foreach (var (name, set, instead) in settings)
        {
            if (set)
            {
                problems.Add($"{where}: {name} is not applied by AuthProxy ({instead}); remove it");
            }
        }
    }

    /// <summary>Binds one entry strictly (an unknown setting is a problem); null, with the binder's complaint among the problems, when it cannot.</summary>
    private static T? Bind<T>(IConfigurationSection entry, string where, List<string> problems)
        where T : class, new()
    {
        try
        {
            return entry.Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            problems.Add($"{where}: {ex.Message}");
            return null;
        }
    }

    private static bool HasRouteParameter(RouteConfig route, string name)
    {
        if (string.IsNullOrEmpty(route.Match?.Path))
        {
            return false;
        }

        try
        {
            return RoutePatternFactory.Parse(route.Match.Path).GetParameter(name) is not null;
        }
        catch (RoutePatternException)
        {
            return false; // YARP's validator reports the bad pattern
        }
    }
}
