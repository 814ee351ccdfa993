using AuthProxy.Keys;

namespace AuthProxy.Authentication;

/// <summary>What <see cref="VerifiedTokenCache"/> remembers of a token: what it says, and the keys its issuer served when it was checked.</summary>
internal sealed class VerifiedTokenEntry(TrustedIssuer issuer, KeySet[] keys, string subject, string? graph, string? tokenId, string masked,
    DateTimeOffset? expires, string[] ancestors, TokenClaims? claims)
{
    /// <summary>The token's further claims (parsed once, on first use); null for AuthProxy's own tokens.</summary>
    public TokenClaims? Claims { get; } = claims;

    public TrustedIssuer Issuer { get; } = issuer;

    public string Subject { get; } = subject;

    public string? Graph { get; } = graph;

    public string? TokenId { get; } = tokenId;

    public string Masked { get; } = masked;

    public DateTimeOffset? Expires { get; } = expires;

    public string[] Ancestors { get; } = ancestors;

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
