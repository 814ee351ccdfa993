using System.Security.Claims;
using AuthProxy.Keys;
using AuthProxy.Users;

namespace AuthProxy.Authentication;

/// <summary>
/// The authenticated caller as AuthProxy's policies see it: the declared user, how they
/// authenticated, and the graph their token is scoped to. Carries no claims list; nothing
/// downstream needs one, and building it would cost every request.
/// </summary>
internal sealed class CallerIdentity : ClaimsIdentity
{
    public CallerIdentity(User user, string scheme, string? tokenGraph, string? tokenId, string maskedCredential,
        TrustedIssuer? issuer = null, DateTimeOffset? expiresAt = null)
        : base(authenticationType: scheme)
    {
        Issuer = issuer;
        ExpiresAt = expiresAt;
        User = user;
        Scheme = scheme;
        TokenGraph = tokenGraph;
        TokenId = tokenId;
        MaskedCredential = maskedCredential;
    }

    public User User { get; }

    /// <summary><see cref="AuthSchemes.Bearer"/> or <see cref="AuthSchemes.Basic"/>.</summary>
    public string Scheme { get; }

    /// <summary>The token's <c>graph</c> claim: the only graph it is valid for. Null for global credentials.</summary>
    public string? TokenGraph { get; }

    /// <summary>The token's <c>jti</c>, when it has one.</summary>
    public string? TokenId { get; }

    /// <summary>The credential as messages may show it (first 4, <c>****</c>, last 4).</summary>
    public string MaskedCredential { get; }

    /// <summary>The provider whose token this is; null for Basic.</summary>
    public TrustedIssuer? Issuer { get; }

    /// <summary>When the token expires; null for Basic and for tokens that never expire.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The token itself, for Bearer callers (never shown: it names the token when another is made with it).</summary>
    internal string? Token { get; init; }

    /// <summary>
    /// The claims of a third-party token, for the policies that read them (scopes, claim rules,
    /// per-route audiences, claim headers). Null for Basic callers and for AuthProxy's own tokens
    /// (GSQL, GridGain, personal access tokens), which carry no provider claims: such rules refuse them.
    /// </summary>
    internal TokenClaims? TokenClaims { get; init; }

    /// <summary>The revocation keys of the tokens this token was made with (AuthProxy's own tokens only).</summary>
    internal string[] Ancestors { get; init; } = [];

    private Policy.ForwardedIdentity? _lastAllowed;

    /// <summary>
    /// What this caller was last allowed, with the policy and graph it was decided on. A remembered
    /// token keeps its caller (one per token and user), so its next request for the same policy and
    /// graph is allowed the same, without evaluating again (<see cref="Policy.PolicyDecisionMiddleware"/>):
    /// the caller's user, its token's claims and the policy object are fixed, and a changed user or
    /// routes file comes with a new caller or a new policy.
    /// </summary>
    internal Policy.ForwardedIdentity? LastAllowed
    {
        get => Volatile.Read(ref _lastAllowed);
        set => Volatile.Write(ref _lastAllowed, value);
    }

    public override string Name => User.Name;

    private CallerPrincipal? _principal;

    /// <summary>The principal holding this identity alone, made once.</summary>
    public ClaimsPrincipal Principal
    {
        get
        {
            var principal = Volatile.Read(ref _principal);
            if (principal is null)
            {
                principal = new CallerPrincipal(this);
                Volatile.Write(ref _principal, principal);
            }

            return principal;
        }
    }

    public static CallerIdentity? From(ClaimsPrincipal? principal)
    {
        if (principal is null)
        {
            return null;
        }

        if (principal is CallerPrincipal { Caller: var caller })
        {
            return caller; // the common case, without the copy and enumerator that Identities costs
        }

        foreach (var identity in principal.Identities)
        {
            if (identity is CallerIdentity found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>The principal of one <see cref="CallerIdentity"/>, which it hands back without a search.</summary>
internal sealed class CallerPrincipal(CallerIdentity caller) : ClaimsPrincipal(caller)
{
    public CallerIdentity Caller { get; } = caller;
}
