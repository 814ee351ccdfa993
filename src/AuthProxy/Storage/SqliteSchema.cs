using System.Data;
using Microsoft.Data.Sqlite;
using static AuthProxy.Storage.DbCommands;

namespace AuthProxy.Storage;

/// <summary>
/// The SQLite schema and its migrations, one a version: a store is migrated from its
/// <c>PRAGMA user_version</c> to <see cref="Version"/> in one transaction on start.
/// </summary>
internal static class SqliteSchema
{
    public const int Version = 3;

    private static readonly string[] Migrations =
    [
        // 1: the first schema.
        """
        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY,
            algorithm TEXT NOT NULL,
            private_key BLOB NOT NULL,
            public_jwk TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            retire_at INTEGER NOT NULL,
            last_expiry INTEGER NOT NULL);
        CREATE TABLE issued_tokens (
            token_hash TEXT PRIMARY KEY,
            token_id TEXT NOT NULL UNIQUE,
            user_name TEXT NOT NULL,
            family TEXT NOT NULL,
            graph TEXT,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER,
            kid TEXT NOT NULL,
            name TEXT,
            description TEXT,
            owner TEXT,
            revoked_at INTEGER);
        CREATE INDEX issued_tokens_user ON issued_tokens (user_name, family);
        CREATE INDEX issued_tokens_family ON issued_tokens (family, expires_at);
        CREATE INDEX issued_tokens_owner ON issued_tokens (owner, family);
        CREATE TABLE revocations (
            token_hash TEXT PRIMARY KEY,
            expires_at INTEGER,
            revoked_at INTEGER NOT NULL);
        CREATE TABLE block_list (
            user_name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            added_at INTEGER NOT NULL,
            PRIMARY KEY (user_name, token_hash));
        CREATE TABLE secrets (
            user_name TEXT NOT NULL,
            alias TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            masked TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (user_name, alias));
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL);
        """,
        // 2: revocations and block list entries name what the signer fixed: an own token by its jti
        // ('jti:' || token_id). Entries made before (the SHA-256 of the token's text) become 'text:'
        // entries, still honoured for the exact text until their token expires.
        """
        INSERT OR IGNORE INTO revocations (token_hash, expires_at, revoked_at)
            SELECT 'jti:' || i.token_id, r.expires_at, r.revoked_at FROM revocations r JOIN issued_tokens i ON i.token_hash = r.token_hash;
        DELETE FROM revocations WHERE token_hash IN (SELECT token_hash FROM issued_tokens);
        UPDATE revocations SET token_hash = 'text:' || token_hash WHERE token_hash NOT LIKE 'jti:%';
        INSERT OR IGNORE INTO block_list (user_name, token_hash, expires_at, added_at)
            SELECT b.user_name, 'jti:' || i.token_id, b.expires_at, b.added_at FROM block_list b JOIN issued_tokens i ON i.token_hash = b.token_hash;
        DELETE FROM block_list WHERE token_hash IN (SELECT token_hash FROM issued_tokens);
        UPDATE block_list SET token_hash = 'text:' || token_hash WHERE token_hash NOT LIKE 'jti:%';
        CREATE INDEX issued_tokens_live ON issued_tokens (user_name, family, revoked_at, expires_at);
        """,
        // 3: the change log (SqlStore.RecordChangesAsync), the same in both engines.
        """
        CREATE TABLE change_counter (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
        INSERT INTO change_counter (id, seq) VALUES (1, 0);
        CREATE TABLE changes (
            seq INTEGER NOT NULL,
            n INTEGER NOT NULL,
            kind TEXT NOT NULL,
            change_key TEXT NOT NULL,
            user_name TEXT,
            expires_at INTEGER,
            at INTEGER NOT NULL,
            PRIMARY KEY (seq, n));
        CREATE INDEX changes_at ON changes (at);
        """,
    ];

    /// <summary>Brings the store to <see cref="Version"/>; a store newer than this AuthProxy understands is refused.</summary>
    public static async Task MigrateAsync(SqliteConnection connection, string dataSource, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var version = Convert.ToInt32(await ScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new InvalidOperationException($"The store {dataSource} has schema version {version}, newer than this AuthProxy understands ({Version}).");
        }

        for (var next = version; next < Version; next++)
        {
            await ExecuteAsync(connection, transaction, Migrations[next], cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {Version};", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
