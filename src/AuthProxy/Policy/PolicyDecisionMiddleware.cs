using AuthProxy.Authentication;
using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Policy;

/// <summary>
/// AuthProxy's authorization step: ASP.NET Core's <see cref="AuthorizationMiddleware"/>, with the
/// common cases taken first. On a proxied route whose routes-file policy takes Bearer, a request
/// with a Bearer token is decided here, by the same <see cref="AuthPolicyHandler.Evaluate"/> the
/// policy handler runs, and forwarded through the same <see cref="RefusalResultHandler.AllowAsync"/>:
/// a token <see cref="VerifiedTokenCache"/> remembers (checked again for expiry, user and revocation
/// by <see cref="TokenValidator.Remembered(string?, ReadOnlySpan{char})"/>), and any other token after <see cref="TokenValidator"/>
/// has checked it in full (what JwtBearer's <c>Bearer</c> scheme would run), without any per-request
/// object of the authentication and authorization services.
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
    private readonly TimeProvider _time;

    public PolicyDecisionMiddleware(RequestDelegate next, IAuthorizationPolicyProvider policies, IServiceProvider services,
        TokenValidator tokens, IAuthorizationMiddlewareResultHandler results, TimeProvider time)
    {
        _next = next;
        _full = new AuthorizationMiddleware(next, policies, services);
        _policies = (AuthPolicyProvider)policies;
        _tokens = tokens;
        _results = (RefusalResultHandler)results;
        _time = time;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RouteModel>() is not { } route)
        {
            return Full(context);
        }

        var authorize = metadata.GetOrderedMetadata<IAuthorizeData>();
        if (authorize.Count == 0)
        {
            // YARP's "anonymous": AllowAnonymous and no policy, which AuthorizationMiddleware only passes on.
            // Nothing is decided, so nothing is timed.
            return metadata.GetMetadata<IAllowAnonymous>() is not null && metadata.GetMetadata<AuthorizationPolicy>() is null
                && metadata.GetMetadata<IAuthorizationRequirementData>() is null
                ? _next(context)
                : Full(context);
        }

        // Put on the request only when forwarded or handed to the full path: the reading between
        // is done against the feature caches the steps before filled.
        var decision = RequestDecision.Create(_time.GetTimestamp(), route.Config.RouteId);
        if (authorize.Count != 1 || BearerPolicy(context, metadata, authorize[0], out var header, out var token) is not { } definition)
        {
            return Full(context, decision);
        }

        return _tokens.Remembered(header, token) is { } remembered
            ? Decide(context, decision, definition, remembered)
            : CheckAndDecide(context, decision, definition, token.ToString());
    }

    /// <summary>Authentication and authorization by ASP.NET Core's middleware, timed as a decision.</summary>
    private Task Full(HttpContext context) => Full(context, RequestDecision.Create(_time.GetTimestamp()));

    private Task Full(HttpContext context, RequestDecision decision)
    {
        decision.AttachTo(context).SetAsResultFeature(context);
        return _full.Invoke(context);
    }

    /// <summary>
    /// Forwards the request when the token's validation holds a caller the policy allows. Anything
    /// else (revoked, refused by the check or by the policy) goes through the full path, whose
    /// Bearer scheme takes this validation (<see cref="RequestDecision.BearerValidation"/>) instead of deciding
    /// the token again, and answers as it would have.
    /// </summary>
    private Task Decide(HttpContext context, RequestDecision decision, AuthPolicyDefinition definition, TokenValidation validation)
    {
        if (validation.Caller is { } caller && Allowed(context, decision, caller, definition))
        {
            return _results.AllowAsync(_next, context, definition, decision.AttachTo(context));
        }

        decision.BearerValidation = validation;
        return Full(context, decision);
    }

    /// <summary>
    /// A token not remembered: checked in full by <see cref="TokenValidator"/>, the check the Bearer
    /// scheme's <see cref="AuthProxyTokenHandler"/> makes, then decided as a remembered one. A new
    /// token costs its check and nothing of the authentication service's per-request objects
    /// (handler, contexts, copied parameters, ticket).
    /// </summary>
    private Task CheckAndDecide(HttpContext context, RequestDecision decision, AuthPolicyDefinition definition, string token)
    {
        // With its keys at hand the check completes at once: decided without a state machine of its own.
        var check = _tokens.ValidateAsync(token, TokenUse.Request, CancellationToken.None);
        return check.IsCompletedSuccessfully ? Decide(context, decision, definition, check.Result) : CheckAndDecideAsync(context, decision, definition, check);
    }

    /// <summary><see cref="CheckAndDecide"/> for a check that waits (a key source fetching for an unknown key id) or failed.</summary>
    private async Task CheckAndDecideAsync(HttpContext context, RequestDecision decision, AuthPolicyDefinition definition, ValueTask<TokenValidation> check)
    {
        TokenValidation validation;
        try
        {
            validation = await check;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The check refuses by returning, never by throwing. Should it throw all the same, the
            // request is the full path's: JwtBearer turns a token handler's exception into a refused
            // token (401), so hostile input meeting a fault is still a refusal, not a 500.
            await Full(context, decision);
            return;
        }

        await Decide(context, decision, definition, validation);
    }

    /// <summary>
    /// The routes-file policy of a proxied route that takes Bearer and decides without reading the
    /// body, when the request carries a Bearer token; null for everything else, which the full path decides.
    /// </summary>
    private AuthPolicyDefinition? BearerPolicy(HttpContext context, EndpointMetadataCollection metadata, IAuthorizeData authorize, out string? header,
        out ReadOnlySpan<char> token)
    {
        header = null;
        token = default;
        return authorize.Roles is null && authorize.AuthenticationSchemes is null && metadata.GetMetadata<IAllowAnonymous>() is null
            && metadata.GetMetadata<AuthorizationPolicy>() is null && metadata.GetMetadata<IAuthorizationRequirementData>() is null
            && _policies.FromRoutesFile(authorize.Policy) is { } definition
            && definition.TakesBearer
            && definition.Graph is not { Kind: GraphSourceKind.Query } // the body is read: the policy handler's asynchronous decision
            && AuthorizationHeader.TryReadInPlace(context.Request, AuthSchemes.Bearer, out header, out token) == HeaderRead.Found
            && !token.IsEmpty
            ? definition
            : null;
    }

    /// <summary>Whether the policy allows an authenticated caller on this route; when it does, the request carries that caller and the identity to forward.</summary>
    private static bool Allowed(HttpContext context, RequestDecision decision, CallerIdentity caller, AuthPolicyDefinition definition)
    {
        // Decided so before when the caller, the policy object and the graph are the same.
        var allowed = caller.LastAllowed;
        if (allowed is null || !ReferenceEquals(allowed.Policy, definition) || !NamesGraph(context, definition, allowed.Graph, decision))
        {
            if (AuthPolicyHandler.Evaluate(context, caller, definition, bodyProblem: null, out allowed, decision) is not null)
            {
                return false;
            }

            caller.LastAllowed = allowed;
        }

        decision.User = caller.Principal; // HttpContext.User once the decision is the request's
        decision.Allowed = allowed;
        return true;
    }

    /// <summary>
    /// Whether the request names exactly <paramref name="graph"/>, read as the policy reads it (and
    /// no other graph, no twin of it): then, as the policy's evaluation would, it notes the graph asked for.
    /// A policy without a graph source decides on the caller's alone.
    /// </summary>
    private static bool NamesGraph(HttpContext context, AuthPolicyDefinition definition, string? graph, RequestDecision decision)
    {
        if (definition.Graph is not { } source)
        {
            return true;
        }

        if (source.TryRead(context, out var requested) != GraphRead.Found || !string.Equals(requested, graph, StringComparison.Ordinal))
        {
            return false;
        }

        decision.RequestedGraph = requested;
        return true;
    }
}
