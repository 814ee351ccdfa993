using System.Security.Claims;
using AuthProxy.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Policy;

/// <summary>
/// AuthProxy's authorization step: ASP.NET Core's <see cref="AuthorizationMiddleware"/>, with the
/// common cases taken first. On a proxied route whose routes-file policy takes Bearer, a request
/// with a Bearer token is decided here, by the same <see cref="AuthPolicyHandler.Evaluate"/> the
/// policy handler runs, and forwarded through the same <see cref="RefusalResultHandler.AllowAsync"/>:
/// a token <see cref="VerifiedTokenCache"/> remembers (checked again for expiry, user and revocation
/// by <see cref="TokenValidator.Remembered"/>) without any per-request object of the authentication
/// and authorization services; any other token after JwtBearer's <c>Bearer</c> scheme has
/// authenticated it, without the policy evaluator, the authorization service and their results.
/// Anonymous proxied routes, which that middleware would only pass on, are passed on at once.
/// </summary>
/// <remarks>
/// Only an allowed request is forwarded from here. Everything else (no token, a token refused by
/// the scheme or the policy, Basic, a graph in the body, an endpoint that is not a proxied route, a
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

        if (authorize.Count != 1 || BearerPolicy(context, metadata, authorize[0], out var token) is not { } definition)
        {
            return _full.Invoke(context);
        }

        if (_tokens.Remembered(token) is not { } remembered)
        {
            context.Features.Set(RememberedTokenLookup.Miss); // JwtBearer checks it in full without a second look-up
            return DecideAsync(context, definition);
        }

        if (remembered.Caller is { } caller && Allowed(context, caller, caller.Principal, definition) is { } allowed)
        {
            return _results.AllowAsync(_next, context, definition, allowed);
        }

        // Revoked, or refused by the policy: the full path decides again and answers, without a second look-up.
        context.Features.Set(new RememberedTokenLookup(remembered));
        return _full.Invoke(context);
    }

    /// <summary>
    /// A token not remembered: authenticated by JwtBearer's <c>Bearer</c> scheme, as the full path
    /// would (its <see cref="AuthProxyTokenHandler"/>, events and refusals), then decided here when
    /// the policy allows it. A refusal of either goes through the full path, which decides and
    /// answers it as before; the scheme's handler keeps its result for the request, so the token is
    /// not checked twice.
    /// </summary>
    private async Task DecideAsync(HttpContext context, AuthPolicyDefinition definition)
    {
        var result = await context.AuthenticateAsync(AuthSchemes.Bearer);
        if (result.Succeeded && CallerIdentity.From(result.Principal) is { } caller
            && Allowed(context, caller, result.Principal, definition) is { } allowed)
        {
            await _results.AllowAsync(_next, context, definition, allowed);
            return;
        }

        await _full.Invoke(context);
    }

    /// <summary>
    /// The routes-file policy of a proxied route that takes Bearer and decides without reading the
    /// body, when the request carries a Bearer token; null for everything else, which the full path decides.
    /// </summary>
    private AuthPolicyDefinition? BearerPolicy(HttpContext context, EndpointMetadataCollection metadata, IAuthorizeData authorize, out ReadOnlySpan<char> token)
    {
        token = default;
        return authorize.Roles is null && authorize.AuthenticationSchemes is null && metadata.GetMetadata<IAllowAnonymous>() is null
            && metadata.GetMetadata<AuthorizationPolicy>() is null && metadata.GetMetadata<IAuthorizationRequirementData>() is null
            && _policies.FromRoutesFile(authorize.Policy) is { } definition
            && definition.Schemes.Contains(AuthSchemes.Bearer)
            && definition.Graph is not { Kind: GraphSourceKind.Query } // the body is read: the policy handler's asynchronous decision
            && AuthorizationHeader.TryReadInPlace(context.Request, AuthSchemes.Bearer, out token) == HeaderRead.Found
            && !token.IsEmpty
            ? definition
            : null;
    }

    /// <summary>What the policy decides about an authenticated caller on this route when it allows the request (and the request then carries that caller); null when it refuses.</summary>
    private static ForwardedIdentity? Allowed(HttpContext context, CallerIdentity caller, ClaimsPrincipal principal, AuthPolicyDefinition definition)
    {
        if (AuthPolicyHandler.Evaluate(context, caller, definition, bodyProblem: null, out var allowed) is not null)
        {
            return null;
        }

        context.User = principal;
        context.Features.Set(allowed);
        return allowed;
    }
}
