namespace AuthProxy.Storage;

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
