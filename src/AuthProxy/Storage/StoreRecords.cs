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
/// the record's id (as DataHub's personal access token ids are). Revocations and block list
/// entries name it by its <c>jti</c> (<see cref="RevocationKey"/>), which no re-encoding changes.
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
    DateTimeOffset? RevokedAt = null)
{
    /// <summary>How revocations and block lists name one of AuthProxy's own tokens: this prefix and its <c>jti</c>.</summary>
    public const string KeyPrefix = "jti:";

    /// <summary>The key revocations and block list entries use for this token.</summary>
    public string RevocationKey => KeyPrefix + TokenId;
}

/// <summary>A revoked token: its revocation key (what its signer fixed) and when it would have expired anyway (null: never).</summary>
internal sealed record RevokedToken(string Key, DateTimeOffset? ExpiresAt);

/// <summary>An entry of a user's TigerGraph-style token block list, by the token's revocation key.</summary>
internal sealed record BlockedToken(string User, string Key, DateTimeOffset ExpiresAt);

/// <summary>A TigerGraph secret: only a keyed hash and a masked form are kept.</summary>
internal sealed record StoredSecret(string User, string Alias, string Hash, string Masked, DateTimeOffset CreatedAt);

/// <summary>A page of issued tokens, sorted newest expiry first (no expiry first of all).</summary>
internal sealed record TokenPage(IReadOnlyList<IssuedToken> Tokens, int Total);

/// <summary>Which issued tokens to list.</summary>
internal sealed record TokenQuery(TokenFamily Family, string? User, int Start, int Count, bool IncludeRevoked = false, string? Owner = null);

/// <summary>The outcome of adding tokens to a block list capped at a limit.</summary>
internal readonly record struct BlockOutcome(bool Added, int Count, int Limit);

/// <summary>A cap on the live (unexpired, unrevoked) tokens of one user, counted over some families.</summary>
internal sealed record TokenLimit(int Max, IReadOnlyList<TokenFamily> Families);

/// <summary>How adding a secret ended.</summary>
internal enum SecretOutcome
{
    /// <summary>The secret was stored.</summary>
    Added,
    /// <summary>The user already has a secret with that alias; nothing changed.</summary>
    AliasTaken,
    /// <summary>The user already has a secret with that value; nothing changed.</summary>
    ValueTaken,
    /// <summary>The user already has as many secrets as allowed; nothing changed.</summary>
    LimitReached,
}

/// <summary>
/// The outcome of adding a secret. When the value was another user's secret, that secret is known
/// to someone else and was retired in the same transaction (<see cref="Retired"/>).
/// </summary>
internal readonly record struct AddSecretResult(SecretOutcome Outcome, StoredSecret? Retired = null);
