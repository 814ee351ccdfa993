using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AuthProxy.Policy;

/// <summary>
/// Turns an authorization outcome into the response the route's clients understand: the
/// failure decided by the authentication handler (401) or the policy handler (403), written once
/// by <see cref="RefusalWriter"/> in the route's error style.
/// </summary>
internal sealed class RefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private static readonly string[] BearerForbidden = [RefusalWriter.BearerForbidden];

    private readonly ActiveRoutes _routes;

    public RefusalResultHandler(ActiveRoutes routes)
    {
        _routes = routes;
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        var definition = AuthPolicyRequirement.Find(policy);
        var style = definition?.ErrorStyle ?? _routes.Current.DefaultPolicy.ErrorStyle;
        if (AuthPolicyProvider.IsUndefined(policy))
        {
            await RefusalWriter.WriteAsync(context, AuthPolicyProvider.UndefinedPolicy, style);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var refusal = FirstRefusal(authorizeResult.AuthorizationFailure)
                ?? Denials.Because(RefusalKind.Privilege, "the caller is not allowed on this route");
            var bearer = CallerIdentity.From(context.User)?.Scheme == AuthSchemes.Bearer;
            await RefusalWriter.WriteAsync(context, refusal, style, bearer ? BearerForbidden : default);
            return;
        }

        var challenge = await CallerAuthentication.FailureAsync(context, policy.AuthenticationSchemes);
        await RefusalWriter.WriteAsync(context, challenge, style, definition?.Challenges);
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
