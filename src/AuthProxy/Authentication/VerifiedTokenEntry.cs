using System.Runtime.CompilerServices;
using AuthProxy.Keys;
using AuthProxy.Tokens;
using AuthProxy.Users;

namespace AuthProxy.Authentication;

/// <summary>What <see cref="VerifiedTokenCache"/> remembers of a token: what it says, and the keys its issuer served when it was checked.</summary>
internal sealed class VerifiedTokenEntry(string token, TrustedIssuer issuer, KeySet[] keys, string subject, string? graph, string? tokenId, string masked,
    DateTimeOffset? expires, string[] ancestors, TokenClaims? claims)
{
    /// <summary>The token (the cache's key): what a caller made from this entry carries, without a copy of the request's.</summary>
    public string Token { get; } = token;

    /// <summary>The token's further claims (parsed once, on first use); null for AuthProxy's own tokens.</summary>
    public TokenClaims? Claims { get; } = claims;

    public TrustedIssuer Issuer { get; } = issuer;

    public string Subject { get; } = subject;

    public string? Graph { get; } = graph;

    public string? TokenId { get; } = tokenId;

    public string Masked { get; } = masked;

    public DateTimeOffset? Expires { get; } = expires;

    /// <summary>
    /// Until when the cache keeps it: its <see cref="Expires"/>, or <see cref="VerifiedTokenCache.MaxAge"/> after it was
    /// remembered when sooner. Set once, before the cache holds it.
    /// </summary>
    public DateTimeOffset RememberedUntil { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Sets <see cref="RememberedUntil"/>: only <see cref="VerifiedTokenCache.Add"/> does, before the entry is in the cache.</summary>
    public void RememberUntil(DateTimeOffset until) => RememberedUntil = until;

    public string[] Ancestors { get; } = ancestors;

    private CallerIdentity? _caller;

    /// <summary>
    /// The caller this token makes while its user is <paramref name="user"/>: made once and shared
    /// by the requests that present the token (nothing changes a caller or its principal once made),
    /// made again when the user's declaration changed (a reload makes new <see cref="User"/>s).
    /// </summary>
    public CallerIdentity CallerFor(User user)
    {
        var caller = Volatile.Read(ref _caller);
        if (caller is null || !ReferenceEquals(caller.User, user))
        {
            caller = new CallerIdentity(user, AuthSchemes.Bearer, Graph, TokenId, Masked, Issuer, Expires)
            {
                Token = Token, Ancestors = Ancestors, TokenClaims = Claims,
            };
            Volatile.Write(ref _caller, caller);
        }

        return caller;
    }

    private StrongBox<TokenHash>? _signingInput;
    private Func<TokenHash>? _signingInputHash;

    /// <summary>
    /// The token's <see cref="RevocationKeys.SigningInputHash"/>, computed at the first revocation
    /// check that needs it and then remembered with the token, so the check costs no hash per request.
    /// </summary>
    public Func<TokenHash> SigningInputHash => _signingInputHash ??= SigningInput;

    private TokenHash SigningInput()
    {
        var box = Volatile.Read(ref _signingInput);
        if (box is null)
        {
            box = new StrongBox<TokenHash>(RevocationKeys.SigningInputHash(Token));
            Volatile.Write(ref _signingInput, box);
        }

        return box.Value;
    }

    /// <summary>Whether every source of the issuer still serves the same key set, and may still be used.</summary>
    public bool KeysUnchanged()
    {
        var sources = Issuer.Sources;
        for (var i = 0; i < keys.Length; i++)
        {
            if (!ReferenceEquals(sources[i].Current, keys[i]) || !sources[i].IsUsable)
            {
                return false;
            }
        }

        return true;
    }
}
