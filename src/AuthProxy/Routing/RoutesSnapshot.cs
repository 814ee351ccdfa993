using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using AuthProxy.Policy;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Routing;

/// <summary>
/// One validated version of the routes file: YARP's routes and clusters and the policies they
/// name, swapped together. Its change token fires when a newer version replaces it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The source has no timer; it only ever fires once, when the snapshot is replaced.")]
internal sealed class RoutesSnapshot : IProxyConfig
{
    /// <summary>The metadata key stamped on every route with the file's revision (see <see cref="AuthPolicyProvider.AllowsCachingPolicies"/>).</summary>
    public const string RevisionMetadataKey = "AuthProxy.Revision";

    /// <summary>The revision of the snapshot in force before any routes file has loaded.</summary>
    public const string EmptyRevision = "empty";

    public static RoutesSnapshot CreateEmpty() => new([], [], FrozenDictionary<string, AuthPolicyDefinition>.Empty, AuthPolicyDefinition.CreateDefault(), EmptyRevision);

    private readonly CancellationTokenSource _changed = new();

    public RoutesSnapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters,
        FrozenDictionary<string, AuthPolicyDefinition> policies, AuthPolicyDefinition defaultPolicy, string revision)
    {
        Routes = routes;
        Clusters = clusters;
        Policies = policies;
        DefaultPolicy = defaultPolicy;
        RevisionId = revision;
        ChangeToken = new CancellationChangeToken(_changed.Token);
    }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    public IChangeToken ChangeToken { get; }

    public string RevisionId { get; }

    /// <summary>Every named policy, <c>default</c> included; names are case-insensitive like YARP's.</summary>
    public FrozenDictionary<string, AuthPolicyDefinition> Policies { get; }

    public AuthPolicyDefinition DefaultPolicy { get; }

    /// <summary>The policy a route names, or null for <c>anonymous</c> or an unknown name.</summary>
    public AuthPolicyDefinition? PolicyOf(RouteConfig route) =>
        route.AuthorizationPolicy is { } name && Policies.TryGetValue(name, out var definition) ? definition : null;

    /// <summary>
    /// What <see cref="AuthPolicyProvider.FromRoutesFile"/> answered against this version, by the very
    /// string it was asked with: each endpoint asks with its own policy name on every request. Held
    /// weakly, and gone with the version, so a reload is never answered from it.
    /// </summary>
    internal ConditionalWeakTable<string, PolicyAnswer> Answers { get; } = new();

    internal void SignalReplaced() => _changed.Cancel();
}

/// <summary>One answer of <see cref="RoutesSnapshot.Answers"/>: the policy, or null for none.</summary>
internal sealed class PolicyAnswer(AuthPolicyDefinition? definition)
{
    public AuthPolicyDefinition? Definition { get; } = definition;
}
