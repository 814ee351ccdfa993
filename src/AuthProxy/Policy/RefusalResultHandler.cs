using AuthProxy.Authentication;
using AuthProxy.Errors;
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

    public RefusalResultHandler(ActiveRoutes routes, DecisionTelemetry decisions)
    {
        _routes = routes;
        _decisions = decisions;
    }

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var definition = AuthPolicyRequirement.Find(policy);
        if (authorizeResult.Succeeded)
        {
            Record(context, definition, refusal: null);
            return next(context); // no state machine for the common case
        }

        return RefuseAsync(context, policy, authorizeResult, definition);
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
            PendingRefusal.Set(context, refusal, scheme == AuthSchemes.Bearer ? BearerForbidden : []);
            await context.ForbidAsync(scheme);
            return;
        }

        var challenge = await CallerAuthentication.FailureAsync(context, policy.AuthenticationSchemes);
        Record(context, definition, challenge);
        PendingRefusal.Set(context, challenge, definition?.Challenges ?? []);
        await context.ChallengeAsync(policy.AuthenticationSchemes.Count > 0 ? policy.AuthenticationSchemes[0] : AuthSchemes.Bearer);
    }

    private void Record(HttpContext context, AuthPolicyDefinition? definition, Refusal? refusal)
    {
        var caller = CallerIdentity.From(context.User);
        _decisions.Record(context, definition?.Name ?? PolicyNames.Default,
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
