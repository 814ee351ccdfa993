namespace AuthProxy.Storage;

/// <summary>A TigerGraph secret: only a keyed hash and a masked form are kept.</summary>
internal sealed record StoredSecret(string User, string Alias, string Hash, string Masked, DateTimeOffset CreatedAt);
