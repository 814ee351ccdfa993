using System.Text;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace AuthProxy.Policy;

/// <summary>
/// Decides graph scope and privileges for an authenticated caller. On success it records the
/// <see cref="ForwardedIdentity"/> the forwarding step passes to the backend.
/// </summary>
internal sealed class AuthPolicyHandler(IOptions<AuthProxyOptions> options) : AuthorizationHandler<AuthPolicyRequirement>
{
    private readonly int _maxGraphBodyBytes = options.Value.MaxGraphBodyBytes;

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AuthPolicyRequirement requirement)
    {
        // Unauthenticated callers fail RequireAuthenticatedUser and are challenged; nothing to add.
        if (CallerIdentity.From(context.User) is not { } caller || context.Resource is not HttpContext http)
        {
            return;
        }

        var definition = requirement.Definition;
        var bodyProblem = definition.Graph is { Kind: GraphSourceKind.Query } source
            ? await GraphBodyCheck.RunAsync(http.Request, source, _maxGraphBodyBytes, http.RequestAborted)
            : null;
        if (Evaluate(http, caller, definition, bodyProblem, out var allowed) is { } refused)
        {
            context.Fail(new RefusalReason(this, refused));
            return;
        }

        RequestDecision.For(http).Allowed = allowed;
        context.Succeed(requirement);
    }

    /// <summary>
    /// The whole decision about an authenticated caller on a route of <paramref name="definition"/>:
    /// the token's claims, then graph scope, then privileges. Null when the request is allowed, with
    /// <paramref name="allowed"/> the identity to forward; otherwise the refusal.
    /// </summary>
    /// <remarks>
    /// Also what <see cref="PolicyDecisionMiddleware"/> decides remembered tokens with, so both paths decide alike.
    /// Its answer depends on the caller, the policy and the graph the request names, and on nothing
    /// else of the request: the middleware reuses an allowed answer on exactly that basis
    /// (<see cref="CallerIdentity.LastAllowed"/>), so a check of anything more (the method, the path,
    /// the time) belongs in the key of that reuse too.
    /// </remarks>
    /// <param name="decision">The request's decision, which notes the graph asked for; looked up when not given.</param>
    internal static Refusal? Evaluate(HttpContext http, CallerIdentity caller, AuthPolicyDefinition definition, string? bodyProblem, out ForwardedIdentity? allowed,
        RequestDecision? decision = null)
    {
        allowed = null;
        // The token's own claims first: an audience refusal is about the credential (401), before any graph or privilege.
        var refusal = ClaimChecks.Check(caller, definition, out var claimHeaders);
        string? graph = null;
        refusal ??= Decide(http, caller, definition, out graph, bodyProblem, decision);
        if (refusal is null)
        {
            allowed = new ForwardedIdentity(caller, graph, definition) { Claims = claimHeaders };
        }

        return refusal;
    }

    /// <param name="bodyProblem">For a <c>query:NAME</c> graph, why the body may name another graph (<see cref="GraphBodyCheck"/>), or null.</param>
    internal static Refusal? Decide(HttpContext http, CallerIdentity caller, AuthPolicyDefinition definition, out string? graph, string? bodyProblem = null,
        RequestDecision? decision = null)
    {
        graph = null;
        var user = caller.User;
        if (definition.Graph is { } source)
        {
            switch (source.TryRead(http, out var requested))
            {
                case GraphRead.Missing:
                    return Denials.Because(RefusalKind.GraphScope, $"the request names no graph (expected in {source.Describe()})");
                case GraphRead.Ambiguous:
                    return Denials.Because(RefusalKind.GraphScope, $"the request names more than one graph in {source.Describe()}");
                case GraphRead.Twin:
                    return Denials.Because(RefusalKind.GraphScope,
                        $"the request carries {source.Describe(Denials.Show(requested))}, which backends may read as {source.Describe()}; send the graph only as {source.Describe()}");
                case GraphRead.CookieTwin:
                    return Denials.Because(RefusalKind.GraphScope,
                        $"the request carries cookie '{Denials.Show(requested)}', which backends (PHP's $_REQUEST, ASP.NET's Request[]) may read as {source.Describe()}; "
                        + $"send the graph only as {source.Describe()}");
            }

            (decision ?? RequestDecision.For(http)).RequestedGraph = requested;
            if (bodyProblem is not null)
            {
                return Denials.Because(RefusalKind.GraphScope, bodyProblem);
            }

            if (caller.TokenGraph is not null && !string.Equals(caller.TokenGraph, requested, StringComparison.Ordinal))
            {
                return Denials.Token(RefusalKind.GraphScope, caller.MaskedCredential,
                    $"is scoped to graph {Denials.Show(caller.TokenGraph)}, not {Denials.Show(requested)}");
            }

            if (!user.HasAccessTo(requested))
            {
                return Denials.Because(RefusalKind.GraphScope, $"user {user.Name} has no access to graph {Denials.Show(requested)}");
            }

            graph = requested;
        }
        else if (caller.TokenGraph is not null)
        {
            // TigerGraph: a token scoped to a graph the user cannot access is refused everywhere.
            if (!user.HasAccessTo(caller.TokenGraph))
            {
                return Denials.Because(RefusalKind.GraphScope, $"user {user.Name} has no access to graph {Denials.Show(caller.TokenGraph)}");
            }

            graph = caller.TokenGraph;
        }

        // Privileges are held on the graph the route names. A route that names none is decided on
        // global grants only, whatever graph the token carries: narrowing a token never widens it.
        var scoped = caller.TokenGraph is not null;
        var grantsOn = definition.Graph is null ? null : graph;
        StringBuilder? missing = null;
        foreach (var privilege in definition.Privileges)
        {
            if (!user.Holds(privilege, grantsOn, scoped))
            {
                missing = missing is null ? new StringBuilder(privilege) : missing.Append(", ").Append(privilege);
            }
        }

        if (missing is not null)
        {
            var on = grantsOn is null ? string.Empty : $" on graph {Denials.Show(grantsOn)}";
            return Denials.Because(RefusalKind.Privilege, $"user {user.Name} lacks {missing}{on}");
        }

        return null;
    }
}
