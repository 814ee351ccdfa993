using System.Collections.Immutable;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Limits;
using Microsoft.AspNetCore.Authorization;

namespace AuthProxy.Policy;

/// <summary>
/// One validated entry of <c>AuthPolicies</c>, and the ASP.NET Core authorization policy built
/// from it once, when the routes file is loaded.
/// </summary>
internal sealed class AuthPolicyDefinition
{
    public AuthPolicyDefinition(string name, ImmutableArray<string> schemes, GraphSource? graph,
        ImmutableArray<string> privileges, ErrorStyle errorStyle, bool forwardAuthorization)
    {
        Name = name;
        Schemes = schemes;
        TakesBearer = schemes.Contains(AuthSchemes.Bearer);
        Graph = graph;
        Privileges = privileges;
        ErrorStyle = errorStyle;
        ForwardAuthorization = forwardAuthorization;
        Challenges = schemes.Select(s => s == AuthSchemes.Basic ? RefusalWriter.BasicChallenge : RefusalWriter.BearerChallenge).ToArray();
        Policy = new AuthorizationPolicyBuilder([.. schemes])
            .RequireAuthenticatedUser()
            .AddRequirements(new AuthPolicyRequirement(this))
            .Build();
    }

    /// <summary>The policy every route without one uses: any valid credential, no graph.</summary>
    public static AuthPolicyDefinition CreateDefault() =>
        new(PolicyNames.Default, [AuthSchemes.Bearer, AuthSchemes.Basic], graph: null, privileges: [], ErrorStyle.Restpp, forwardAuthorization: false);

    public string Name { get; }

    /// <summary><see cref="AuthSchemes.Bearer"/> and/or <see cref="AuthSchemes.Basic"/>, in the file's order.</summary>
    public ImmutableArray<string> Schemes { get; }

    /// <summary>Whether <see cref="Schemes"/> holds <see cref="AuthSchemes.Bearer"/>: asked on every request with a Bearer token.</summary>
    public bool TakesBearer { get; }

    /// <summary>Where the request's graph is; null when the route is not graph-scoped.</summary>
    public GraphSource? Graph { get; }

    /// <summary>Privileges the caller must all hold (on the request's graph when there is one).</summary>
    public ImmutableArray<string> Privileges { get; }

    public ErrorStyle ErrorStyle { get; }

    /// <summary>Whether the client's <c>Authorization</c> header is forwarded to the backend.</summary>
    public bool ForwardAuthorization { get; }

    /// <summary>The <c>WWW-Authenticate</c> values of a 401 on this policy's routes.</summary>
    public string[] Challenges { get; }

    public AuthorizationPolicy Policy { get; }

    /// <summary>Scopes the token must all carry (<c>Scopes</c>); empty when the policy names none.</summary>
    public ImmutableArray<string> Scopes { get; init; } = [];

    /// <summary>Claims the token must carry, each with one of its values (<c>Claims</c>); empty when none.</summary>
    public ImmutableArray<ClaimRule> Claims { get; init; } = [];

    /// <summary>Audiences of which the token's <c>aud</c> must hold one on this route (<c>Audiences</c>); empty when none.</summary>
    public ImmutableArray<string> Audiences { get; init; } = [];

    /// <summary>Claims forwarded to the backend in headers under <c>X-AuthProxy-</c> (<c>ClaimHeaders</c>); empty when none.</summary>
    public ImmutableArray<ClaimHeader> ClaimHeaders { get; init; } = [];

    /// <summary>Whether the policy reads the token's claims at all (then Basic callers and AuthProxy's own tokens are refused).</summary>
    public bool ReadsClaims => !Scopes.IsEmpty || !Claims.IsEmpty || !Audiences.IsEmpty;

    /// <summary>The policy's <c>RateLimit</c>, or null.</summary>
    public RateLimitSetting? RateLimit { get; init; }

    /// <summary>The policy's <c>Concurrency</c>, or null.</summary>
    public ConcurrencySetting? Concurrency { get; init; }

    /// <summary>Whether the policy limits its requests at all.</summary>
    public bool HasLimits => RateLimit is not null || Concurrency is not null;

    /// <summary>The tables behind <see cref="RateLimit"/> and <see cref="Concurrency"/>, found once by <see cref="RouteLimits"/>.</summary>
    internal PolicyLimiter? Limiter { get; set; }
}
