namespace AuthProxy.Storage;

/// <summary>One of AuthProxy's own signing keys. The private key is encrypted (Data Protection) before it is stored.</summary>
internal sealed record StoredSigningKey(
    string Kid,
    string Algorithm,
    byte[] ProtectedPrivateKey,
    string PublicJwk,
    DateTimeOffset CreatedAt,
    DateTimeOffset RetireAt,
    DateTimeOffset LastExpiry);

/// <summary>Which token service issued a token.</summary>
internal enum TokenFamily
{
    /// <summary>TigerGraph's <c>/gsql/v1/tokens</c>.</summary>
    Gsql,
    /// <summary>GridGain 9's <c>/management/v1/authentication/login</c>.</summary>
    GridGain,
    /// <summary>DataHub's personal access tokens.</summary>
    Personal,
}

/// <summary>
/// A token AuthProxy issued. Only the token's SHA-256 hash is kept, never the token; the hash is
/// also the token's id for revocation (as DataHub's personal access token ids are).
/// <see cref="User"/> is the user the token acts as (its <c>sub</c>); <see cref="Owner"/> is who
/// created it, when that differs (personal access tokens made for another user).
/// </summary>
internal sealed record IssuedToken(
    string TokenHash,
    string TokenId,
    string User,
    TokenFamily Family,
    string? Graph,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    string Kid,
    string? Name = null,
    string? Description = null,
    string? Owner = null,
    DateTimeOffset? RevokedAt = null);

/// <summary>A revoked token: its hash and when it would have expired anyway (null: never).</summary>
internal sealed record RevokedToken(string TokenHash, DateTimeOffset? ExpiresAt);

/// <summary>An entry of a user's TigerGraph-style token block list.</summary>
internal sealed record BlockedToken(string User, string TokenHash, DateTimeOffset ExpiresAt);

/// <summary>A TigerGraph secret: only a keyed hash and a masked form are kept.</summary>
internal sealed record StoredSecret(string User, string Alias, string Hash, string Masked, DateTimeOffset CreatedAt);

/// <summary>A page of issued tokens, sorted newest expiry first (no expiry first of all).</summary>
internal sealed record TokenPage(IReadOnlyList<IssuedToken> Tokens, int Total);

/// <summary>Which issued tokens to list.</summary>
internal sealed record TokenQuery(TokenFamily Family, string? User, int Start, int Count, bool IncludeRevoked = false, string? Owner = null);

/// <summary>The outcome of adding tokens to a block list capped at a limit.</summary>
internal readonly record struct BlockOutcome(bool Added, int Count, int Limit);
