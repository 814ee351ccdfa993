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
