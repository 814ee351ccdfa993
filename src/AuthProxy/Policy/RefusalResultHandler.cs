using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Limits;
using AuthProxy.Routing;
using AuthProxy.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AuthProxy.Policy;

/// <summary>
/// Turns an authorization outcome into the response the route's clients understand: the
/// failure decided by the authentication handler (401) or the policy handler (403), handed to the
/// scheme's challenge or forbid (JwtBearer's <c>OnChallenge</c>/<c>OnForbidden</c> for Bearer, see
/// <see cref="BearerEvents"/>), which writes it once with <see cref="RefusalWriter"/> in the
/// route's error style.
/// </summary>
internal sealed class RefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private static readonly string[] BearerForbidden = [RefusalWriter.BearerForbidden];

    private readonly ActiveRoutes _routes;
    private readonly DecisionTelemetry _decisions;
    private readonly RouteLimits _limits;

    public RefusalResultHandler(ActiveRoutes routes, DecisionTelemetry decisions, RouteLimits limits)
    {
        _routes = routes;
        _decisions = decisions;
        _limits = limits;
    }

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var definition = AuthPolicyRequirement.Find(policy);
        return authorizeResult.Succeeded
            ? AllowAsync(next, context, definition, RequestDecision.Of(context))
            : RefuseAsync(context, policy, authorizeResult, definition);
    }

    /// <summary>
    /// Forwards a request its policy allowed: through the policy's limits when it has any, and with
    /// the decision recorded. Also the end of <see cref="PolicyDecisionMiddleware"/>'s path.
    /// </summary>
    internal Task AllowAsync(RequestDelegate next, HttpContext context, AuthPolicyDefinition? definition, RequestDecision? decision)
    {
        var identity = decision?.Allowed;
        if (definition is { HasLimits: true } && identity is not null)
        {
            return ForwardLimitedAsync(next, context, definition, decision, identity);
        }

        Record(context, decision, definition, identity?.Caller, refusal: null);
        return next(context); // no state machine for the common case
    }

    private async Task RefuseAsync(HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult, AuthPolicyDefinition? definition)
    {
        if (AuthPolicyProvider.IsUndefined(policy))
        {
            Record(context, definition, AuthPolicyProvider.UndefinedPolicy);
            await RefusalWriter.WriteAsync(context, AuthPolicyProvider.UndefinedPolicy);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var refusal = FirstRefusal(authorizeResult.AuthorizationFailure)
                ?? Denials.NotAllowed;
            var scheme = CallerIdentity.From(context.User)?.Scheme ?? AuthSchemes.Bearer;
            Record(context, definition, refusal);
            // A per-route audience refusal is about the credential: 401 with the route's challenges, as the provider's own audience rule answers.
            var challenges = RefusalKinds.IsChallenge(refusal.Kind) ? definition?.Challenges ?? []
                : scheme == AuthSchemes.Bearer ? BearerForbidden : [];
            PendingRefusal.Set(context, refusal, challenges);
            await context.ForbidAsync(scheme);
            return;
        }

        var challenge = await CallerAuthentication.FailureAsync(context, policy.AuthenticationSchemes);
        Record(context, definition, challenge);
        PendingRefusal.Set(context, challenge, definition?.Challenges ?? []);
        await context.ChallengeAsync(policy.AuthenticationSchemes.Count > 0 ? policy.AuthenticationSchemes[0] : AuthSchemes.Bearer);
    }

    /// <summary>
    /// Applies the policy's <c>RateLimit</c> and <c>Concurrency</c>, then forwards; the concurrency
    /// slot is held until the whole exchange with the backend is over and released however it ends
    /// (a backend error, the client going away, a timeout, an exception).
    /// </summary>
    private async Task ForwardLimitedAsync(RequestDelegate next, HttpContext context, AuthPolicyDefinition definition, RequestDecision? decision,
        ForwardedIdentity identity)
    {
        if (_limits.TryAdmit(context, definition, identity, out var slot) is { } limited)
        {
            Record(context, decision, definition, identity.Caller, limited);
            await RefusalWriter.WriteAsync(context, limited);
            return;
        }

        using (slot)
        {
            Record(context, decision, definition, identity.Caller, refusal: null);
            await next(context);
        }
    }

    private void Record(HttpContext context, AuthPolicyDefinition? definition, Refusal? refusal) =>
        Record(context, RequestDecision.Of(context), definition, caller: null, refusal);

    /// <param name="caller">The caller when known (an allowed request's); else read from the request's user.</param>
    private void Record(HttpContext context, RequestDecision? decision, AuthPolicyDefinition? definition, CallerIdentity? caller, Refusal? refusal)
    {
        caller ??= CallerIdentity.From(context.User);
        _decisions.Record(context, decision, definition?.Name ?? PolicyNames.Default,
            caller?.Scheme ?? AuthorizationHeader.SchemeOf(context.Request.Headers.Authorization), caller?.User.Name, refusal?.Reason);
    }

    private static Refusal? FirstRefusal(AuthorizationFailure? failure)
    {
        if (failure is null)
        {
            return null;
        }

        foreach (var reason in failure.FailureReasons)
        {
            if (reason is RefusalReason refusal)
            {
                return refusal.Refusal;
            }
        }

        return null;
    }
}
