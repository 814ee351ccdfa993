namespace AuthProxy.Storage;

/// <summary>
/// Everything AuthProxy must keep across restarts: signing keys, issued-token records,
/// revocations, block lists, secrets and a few settings. Each write is one transaction: it is in
/// full or not at all when the method returns. <see cref="SqliteStore"/> is the embedded engine
/// for one instance, <see cref="PostgresStore"/> the engine several instances share; both pass the
/// same conformance tests. Writes that change what instances hold in memory (revocations, block
/// lists, signing keys) are also appended to a change log every instance follows.
/// </summary>
internal interface IAuthProxyStore : IDisposable
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Held while an instance loads or makes its first keys, so instances starting together take turns.</summary>
    Task<IAsyncDisposable> HoldStartLockAsync(CancellationToken cancellationToken);

    /// <summary>Whether the store answers a trivial query now.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken);

    Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Under the store's write lock: lists the signing keys, asks <paramref name="next"/> for a key
    /// to add (null: none is needed, another instance made it already), adds it, and returns the keys
    /// now stored. This is how one key rotation happens once across every instance.
    /// </summary>
    Task<IReadOnlyList<StoredSigningKey>> AddSigningKeyUnlessAsync(Func<IReadOnlyList<StoredSigningKey>, StoredSigningKey?> next, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a signing key whose last token expired at or before <paramref name="lastExpiryAtMost"/>;
    /// false, and nothing deleted, when the store knows of a token signed with it that lives longer
    /// (another instance may have signed one since this one last read the keys), or it is gone already.
    /// </summary>
    Task<bool> DeleteSigningKeyAsync(string kid, DateTimeOffset lastExpiryAtMost, CancellationToken cancellationToken);

    /// <summary>
    /// Records an issued token, and extends its signing key's last expiry, in one transaction;
    /// false (and nothing written) when the user already holds <paramref name="limit"/>'s number of
    /// unexpired tokens (revoked ones count until they expire: revoking never makes room, so a user
    /// cannot grow the revocation list without bound).
    /// </summary>
    Task<bool> RecordIssuedTokenAsync(IssuedToken token, TokenLimit? limit, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IssuedToken?> FindIssuedTokenAsync(string tokenHash, CancellationToken cancellationToken);

    Task<TokenPage> ListIssuedTokensAsync(TokenQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes one token (issued here or not) by its revocation key, kept until
    /// <paramref name="expiresAt"/> (null: for ever); a key naming one of AuthProxy's own tokens
    /// (<see cref="IssuedToken.KeyPrefix"/>) also marks its record revoked. Returns false when it was
    /// already revoked.
    /// </summary>
    Task<bool> RevokeTokenAsync(string key, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes every unexpired token issued to <paramref name="user"/>, each revocation kept
    /// <paramref name="keepFor"/> past its token's expiry; returns the revocations written.
    /// </summary>
    Task<IReadOnlyList<RevokedToken>> RevokeUserTokensAsync(string user, DateTimeOffset now, TimeSpan keepFor, CancellationToken cancellationToken);

    /// <summary>Every revocation that has not expired yet.</summary>
    Task<IReadOnlyList<RevokedToken>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Adds tokens to a user's block list: expired entries are pruned first, and if the list would
    /// still exceed <paramref name="limit"/> nothing is added.
    /// </summary>
    Task<BlockOutcome> BlockTokensAsync(string user, IReadOnlyList<BlockedToken> tokens, int limit, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Empties a user's block list; returns the entries removed.</summary>
    Task<IReadOnlyList<BlockedToken>> ClearBlockListAsync(string user, CancellationToken cancellationToken);

    /// <summary>Every block list entry, of every user, that has not expired yet.</summary>
    Task<IReadOnlyList<BlockedToken>> ListBlockedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a secret unless the user already has its alias or its value, or <paramref name="limit"/>
    /// secrets. A value that is another user's secret retires that secret in the same transaction:
    /// two users never share a value, and the answer never tells whether a value was in use.
    /// </summary>
    Task<AddSecretResult> AddSecretAsync(StoredSecret secret, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredSecret>> ListSecretsAsync(string user, CancellationToken cancellationToken);

    Task<StoredSecret?> FindSecretAsync(string user, string alias, CancellationToken cancellationToken);

    Task<StoredSecret?> FindSecretByHashAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Deletes a user's secrets named by alias or by value hash, all or none; returns the aliases deleted.</summary>
    Task<IReadOnlyList<string>> DeleteSecretsAsync(string user, IReadOnlyList<string> aliases, IReadOnlyList<string> hashes, CancellationToken cancellationToken);

    /// <summary>The users who hold secrets or live (unexpired, unrevoked) tokens.</summary>
    Task<IReadOnlyList<string>> ListUsersWithCredentialsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A named setting, created by <paramref name="create"/> the first time (first writer wins).</summary>
    Task<byte[]> GetOrAddSettingAsync(string name, Func<byte[]> create, CancellationToken cancellationToken);

    /// <summary>The sequence of the newest committed change (0 for none).</summary>
    Task<long> LastChangeAsync(CancellationToken cancellationToken);

    /// <summary>The changes committed after <paramref name="after"/>, at most <paramref name="max"/> writes of them, in commit order.</summary>
    Task<ChangeBatch> ReadChangesAsync(long after, int max, CancellationToken cancellationToken);

    /// <summary>Removes expired revocations, block list entries, token records and old change log entries; returns how many rows went.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
