using AuthProxy.Authentication;
using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Policy;

/// <summary>
/// AuthProxy's authorization step: ASP.NET Core's <see cref="AuthorizationMiddleware"/>, with the
/// common case taken first. A proxied route whose policy takes Bearer, called with a token
/// <see cref="VerifiedTokenCache"/> remembers (checked again for expiry, user and revocation by
/// <see cref="TokenValidator.Remembered"/>), is decided here by the same
/// <see cref="AuthPolicyHandler.Evaluate"/> the policy handler runs, and forwarded through the
/// same <see cref="RefusalResultHandler.AllowAsync"/>, without the per-request objects of the
/// authentication and authorization services (the request's service scope, the handler, its
/// result and ticket, the policy evaluator's tasks). Anonymous proxied routes, which that
/// middleware would only pass on, are passed on at once.
/// </summary>
/// <remarks>
/// Only an allowed request takes this path. Everything else (no token, a token not remembered,
/// Basic, a graph in the body, a refusal of any kind, an endpoint that is not a proxied route, a
/// built-in or unknown policy) goes through <see cref="AuthorizationMiddleware"/>, which decides
/// and answers it exactly as before.
/// </remarks>
internal sealed class PolicyDecisionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AuthorizationMiddleware _full;
    private readonly AuthPolicyProvider _policies;
    private readonly TokenValidator _tokens;
    private readonly RefusalResultHandler _results;

    public PolicyDecisionMiddleware(RequestDelegate next, IAuthorizationPolicyProvider policies, IServiceProvider services,
        TokenValidator tokens, IAuthorizationMiddlewareResultHandler results)
    {
        _next = next;
        _full = new AuthorizationMiddleware(next, policies, services);
        _policies = (AuthPolicyProvider)policies;
        _tokens = tokens;
        _results = (RefusalResultHandler)results;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RouteModel>() is null)
        {
            return _full.Invoke(context);
        }

        var authorize = metadata.GetOrderedMetadata<IAuthorizeData>();
        if (authorize.Count == 0)
        {
            // YARP's "anonymous": AllowAnonymous and no policy, which AuthorizationMiddleware only passes on.
            return metadata.GetMetadata<IAllowAnonymous>() is not null && metadata.GetMetadata<AuthorizationPolicy>() is null
                && metadata.GetMetadata<IAuthorizationRequirementData>() is null
                ? _next(context)
                : _full.Invoke(context);
        }

        return authorize.Count == 1 && Remembered(context, metadata, authorize[0]) is { } allowed
            ? _results.AllowAsync(_next, context, allowed.Policy, allowed)
            : _full.Invoke(context);
    }

    /// <summary>What the policy decides about a remembered Bearer token on this route when it allows the request; null for everything else.</summary>
    private ForwardedIdentity? Remembered(HttpContext context, EndpointMetadataCollection metadata, IAuthorizeData authorize)
    {
        if (authorize.Roles is not null || authorize.AuthenticationSchemes is not null || metadata.GetMetadata<IAllowAnonymous>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null || metadata.GetMetadata<IAuthorizationRequirementData>() is not null
            || _policies.FromRoutesFile(authorize.Policy) is not { } definition
            || !definition.Schemes.Contains(AuthSchemes.Bearer)
            || definition.Graph is { Kind: GraphSourceKind.Query } // the body is read: an asynchronous decision
            || AuthorizationHeader.TryReadInPlace(context.Request, AuthSchemes.Bearer, out var token) != HeaderRead.Found
            || token.IsEmpty)
        {
            return null;
        }

        if (_tokens.Remembered(token) is not { } remembered)
        {
            context.Features.Set(RememberedTokenLookup.Miss); // JwtBearer checks it in full without a second look-up
            return null;
        }

        if (remembered.Caller is not { } caller)
        {
            context.Features.Set(new RememberedTokenLookup(remembered)); // revoked: the full path says so, without a second look-up
            return null;
        }

        if (AuthPolicyHandler.Evaluate(context, caller, definition, bodyProblem: null, out var allowed) is not null)
        {
            context.Features.Set(new RememberedTokenLookup(remembered)); // refused: the full path decides again and answers, without a second look-up
            return null;
        }

        context.User = caller.Principal;
        context.Features.Set(allowed);
        return allowed;
    }
}
