using System.Runtime.CompilerServices;
using System.Security.Claims;
using AuthProxy.Authentication;
using AuthProxy.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace AuthProxy.Policy;

/// <summary>
/// What the policy step decided about one request, in the request's authentication feature (the
/// one <see cref="HttpContext.User"/> reads and writes): when the decision started, the graph the
/// request asked for, the identity to forward, and the Bearer token's validation. One object set
/// once, when the policy step has read the request, instead of a feature of each kind: every
/// feature set makes the request's feature caches fetch again, and the server looks features of
/// its own kinds up directly rather than in a list.
/// </summary>
/// <remarks>
/// The server starts every request with no authentication feature, so nothing of one request's
/// decision reaches the next on the same connection.
/// </remarks>
internal sealed class RequestDecision : IHttpAuthenticationFeature, IAuthenticateResultFeature
{
    private ClaimsPrincipal? _user;
    private AuthenticateResult? _result;
    private StrongBox<TokenValidation>? _bearerValidation; // boxed: only the full path sets it, so a hot decision stays small

    private RequestDecision(long? startedAt, ClaimsPrincipal? user)
    {
        StartedAt = startedAt;
        _user = user;
    }

    /// <summary>The caller, as <see cref="HttpContext.User"/>. Setting it forgets the authentication result, as ASP.NET Core's own feature does.</summary>
    public ClaimsPrincipal? User
    {
        get => _user;
        set
        {
            _user = value;
            _result = null;
        }
    }

    /// <summary>
    /// The result the authorization middleware authenticated with, and its principal as the caller.
    /// That middleware keeps a result feature it finds rather than replacing the authentication
    /// feature, so <see cref="SetAsResultFeature"/> offers this one before the full path runs.
    /// </summary>
    public AuthenticateResult? AuthenticateResult
    {
        get => _result;
        set
        {
            _result = value;
            _user = value?.Principal;
        }
    }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> when the decision started, for its latency; null when it was not timed.</summary>
    public long? StartedAt { get; }

    /// <summary>The YARP route id the decision is about, when the policy step knew it; else read from the endpoint.</summary>
    public string? Route { get; init; }

    /// <summary>The graph the request names, as the policy read it (allowed or refused): the access line shows it.</summary>
    public string? RequestedGraph { get; set; }

    /// <summary>The identity the forwarding step passes to the backend, once the policy allowed the request.</summary>
    public ForwardedIdentity? Allowed { get; set; }

    /// <summary>
    /// The Bearer token's validation when the policy step already decided it (remembered, checked and
    /// allowed, refused by the check, or refused by the route's policy), so the Bearer scheme takes it
    /// instead of deciding again: each request's token is looked up among the verified tokens (and
    /// counted) once and checked in full once. A check that threw sets nothing here: the scheme then
    /// checks again, and answers a second fault as a refusal.
    /// </summary>
    public TokenValidation? BearerValidation
    {
        get => _bearerValidation?.Value;
        set => _bearerValidation = value is { } validation ? new StrongBox<TokenValidation>(validation) : null;
    }

    /// <summary>
    /// Hands the request to ASP.NET Core's authentication and authorization with this decision kept:
    /// as the result feature too, which the authorization middleware then fills instead of setting
    /// features of its own in place of this one.
    /// </summary>
    public void SetAsResultFeature(HttpContext context) => context.Features.Put<IAuthenticateResultFeature>(this);

    /// <summary>This request's decision, or null when none started.</summary>
    public static RequestDecision? Of(HttpContext context) => context.Features.Find<IHttpAuthenticationFeature>() as RequestDecision;

    /// <summary>This request's decision; started untimed (keeping any caller already set) when none was.</summary>
    public static RequestDecision For(HttpContext context)
    {
        var current = context.Features.Find<IHttpAuthenticationFeature>();
        return current as RequestDecision ?? new RequestDecision(startedAt: null, current?.User).AttachTo(context);
    }

    /// <summary>
    /// Starts a decision on its own, not yet the request's: the policy step reads the request first
    /// and puts it on the request (<see cref="AttachTo"/>) once, when it forwards or hands over to the
    /// full path. Setting a feature makes every cached feature of the request fetch again, so it is
    /// left until the request's own reading is done.
    /// </summary>
    public static RequestDecision Create(long? startedAt, string? route = null) => new(startedAt, user: null) { Route = route };

    /// <summary>Makes this the request's decision (and its authentication feature); returns it.</summary>
    public RequestDecision AttachTo(HttpContext context)
    {
        context.Features.Put<IHttpAuthenticationFeature>(this);
        return this;
    }
}
