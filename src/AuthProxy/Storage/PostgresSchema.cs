using System.Data;
using Npgsql;
using static AuthProxy.Storage.DbCommands;

namespace AuthProxy.Storage;

/// <summary>
/// The PostgreSQL schema and its migrations, one a version, recorded in <c>authproxy_schema</c>.
/// Migration runs in one transaction holding an advisory lock: instances that start together wait
/// for the first, then find the schema current. Times are Unix milliseconds, as in SQLite.
/// </summary>
internal static class PostgresSchema
{
    public const int Version = 1;

    private static readonly string[] Migrations =
    [
        // 1: the schema of SQLite's version 3, plus the shared throttling budgets, the instances'
        // heartbeats and the Data Protection keys every instance reads.
        """
        CREATE TABLE signing_keys (
            kid text PRIMARY KEY,
            algorithm text NOT NULL,
            private_key bytea NOT NULL,
            public_jwk text NOT NULL,
            created_at bigint NOT NULL,
            retire_at bigint NOT NULL,
            last_expiry bigint NOT NULL);
        CREATE TABLE issued_tokens (
            token_hash text PRIMARY KEY,
            token_id text NOT NULL UNIQUE,
            user_name text NOT NULL,
            family text NOT NULL,
            graph text,
            issued_at bigint NOT NULL,
            expires_at bigint,
            kid text NOT NULL,
            name text,
            description text,
            owner text,
            revoked_at bigint);
        CREATE INDEX issued_tokens_user ON issued_tokens (user_name, family);
        CREATE INDEX issued_tokens_family ON issued_tokens (family, expires_at);
        CREATE INDEX issued_tokens_owner ON issued_tokens (owner, family);
        CREATE INDEX issued_tokens_live ON issued_tokens (user_name, family, revoked_at, expires_at);
        CREATE TABLE revocations (
            token_hash text PRIMARY KEY,
            expires_at bigint,
            revoked_at bigint NOT NULL);
        CREATE TABLE block_list (
            user_name text NOT NULL,
            token_hash text NOT NULL,
            expires_at bigint NOT NULL,
            added_at bigint NOT NULL,
            PRIMARY KEY (user_name, token_hash));
        CREATE TABLE secrets (
            user_name text NOT NULL,
            alias text NOT NULL,
            hash text NOT NULL UNIQUE,
            masked text NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (user_name, alias));
        CREATE TABLE settings (
            name text PRIMARY KEY,
            value bytea NOT NULL);
        CREATE TABLE change_counter (id integer PRIMARY KEY, seq bigint NOT NULL);
        INSERT INTO change_counter (id, seq) VALUES (1, 0);
        CREATE TABLE changes (
            seq bigint NOT NULL,
            n integer NOT NULL,
            kind text NOT NULL,
            change_key text NOT NULL,
            user_name text,
            expires_at bigint,
            at bigint NOT NULL,
            PRIMARY KEY (seq, n));
        CREATE INDEX changes_at ON changes (at);
        CREATE TABLE throttle_budgets (
            budget_key text NOT NULL,
            segment bigint NOT NULL,
            attempts integer NOT NULL,
            PRIMARY KEY (budget_key, segment));
        CREATE INDEX throttle_budgets_segment ON throttle_budgets (segment);
        CREATE TABLE instances (
            id text PRIMARY KEY,
            started_at bigint NOT NULL,
            seen_at bigint NOT NULL);
        CREATE TABLE dataprotection_keys (
            name text PRIMARY KEY,
            xml text NOT NULL);
        """,
    ];

    /// <summary>Brings the database to <see cref="Version"/>; a database newer than this AuthProxy understands is refused.</summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, string description, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("@lock", PostgresStore.MigrationLock));
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS authproxy_schema (id integer PRIMARY KEY, version integer NOT NULL);", cancellationToken);
        var found = await ScalarAsync(connection, transaction, "SELECT version FROM authproxy_schema WHERE id = 1;", cancellationToken);
        var version = found is int v ? v : 0;
        if (version > Version)
        {
            throw new InvalidOperationException($"The store {description} has schema version {version}, newer than this AuthProxy understands ({Version}).");
        }

        for (var next = version; next < Version; next++)
        {
            await ExecuteAsync(connection, transaction, Migrations[next], cancellationToken);
        }

        await ExecuteAsync(connection, transaction,
            "INSERT INTO authproxy_schema (id, version) VALUES (1, @version) ON CONFLICT (id) DO UPDATE SET version = excluded.version;",
            cancellationToken, ("@version", Version));
        await transaction.CommitAsync(cancellationToken);
    }
}
