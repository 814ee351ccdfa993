namespace AuthProxy.Storage;

/// <summary>A revoked token: its revocation key (what its signer fixed) and when it would have expired anyway (null: never).</summary>
internal sealed record RevokedToken(string Key, DateTimeOffset? ExpiresAt);
