namespace AuthProxy.Storage;

/// <summary>An entry of a user's TigerGraph-style token block list, by the token's revocation key.</summary>
internal sealed record BlockedToken(string User, string Key, DateTimeOffset ExpiresAt);
