using System.Data;
using Microsoft.Data.Sqlite;

namespace AuthProxy.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a write is on
/// disk when its method returns and a crash loses nothing acknowledged. Writers take the write
/// lock up front (<c>BEGIN IMMEDIATE</c>) and wait for each other (busy timeout), so concurrent
/// writers never interleave. The schema is created and migrated on start (<c>PRAGMA user_version</c>).
/// </summary>
internal sealed partial class SqliteStore : IAuthProxyStore
{
    private const int SchemaVersion = 2;

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
    ];

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _connectionString;
    private readonly ILogger _logger;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string; the data source must be a file.</param>
    /// <param name="logger">Where a tightened file mode is reported.</param>
    public SqliteStore(string connectionString, ILogger<SqliteStore>? logger = null)
    {
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        PrepareFiles(Path.GetFullPath(DataSource));
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var version = Convert.ToInt32(await ScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"The store {DataSource} has schema version {version}, newer than this AuthProxy understands ({SchemaVersion}).");
        }

        for (var next = version; next < SchemaVersion; next++)
        {
            await ExecuteAsync(connection, transaction, Migrations[next], cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {SchemaVersion};", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The store holds signing keys, token hashes and secrets' hashes: on Unix its folder (when
    /// AuthProxy creates it) is 0700 and its files 0600. The database file is created 0600 before
    /// SQLite opens it, because SQLite gives its <c>-wal</c>, <c>-shm</c> and <c>-journal</c> files
    /// the database file's mode; files left looser by an earlier version are tightened, and said so.
    /// A folder that already exists is the operator's and is left as it is.
    /// </summary>
    private void PrepareFiles(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnlyFolder);
        }

        if (!File.Exists(path))
        {
            try
            {
                // An empty file is an empty SQLite database.
                using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first; it is tightened below like any existing file.
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            var mode = File.GetUnixFileMode(file);
            if ((mode & GroupAndOthers) != 0)
            {
                var tightened = mode & ~GroupAndOthers;
                File.SetUnixFileMode(file, tightened);
                Log.ModeTightened(_logger, file, Octal(mode), Octal(tightened));
            }
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return Convert.ToInt32(await ScalarAsync(connection, null, "SELECT count(*) FROM settings;", cancellationToken), System.Globalization.CultureInfo.InvariantCulture) >= 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<StoredSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT kid, algorithm, private_key, public_jwk, created_at, retire_at, last_expiry FROM signing_keys ORDER BY created_at",
            null, r => new StoredSigningKey(r.GetString(0), r.GetString(1), (byte[])r[2], r.GetString(3), Time(r, 4), Time(r, 5), Time(r, 6)), cancellationToken);

    public Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await ExecuteAsync(c, t,
            "INSERT INTO signing_keys (kid, algorithm, private_key, public_jwk, created_at, retire_at, last_expiry) VALUES ($kid, $alg, $key, $jwk, $created, $retire, $last);",
            cancellationToken, ("$kid", key.Kid), ("$alg", key.Algorithm), ("$key", key.ProtectedPrivateKey), ("$jwk", key.PublicJwk),
            ("$created", Ms(key.CreatedAt)), ("$retire", Ms(key.RetireAt)), ("$last", Ms(key.LastExpiry))), cancellationToken);

    public Task DeleteSigningKeyAsync(string kid, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) => await ExecuteAsync(c, t, "DELETE FROM signing_keys WHERE kid = $kid;", cancellationToken, ("$kid", kid)), cancellationToken);

    public Task<bool> RecordIssuedTokenAsync(IssuedToken token, TokenLimit? limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            if (limit is not null)
            {
                var families = string.Join(", ", limit.Families.Select(f => $"'{f}'"));
                var live = Convert.ToInt32(await ScalarAsync(c, t, $"""
                    SELECT count(*) FROM issued_tokens WHERE user_name = $user AND family IN ({families})
                    AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now);
                    """, cancellationToken, ("$user", token.User), ("$now", Ms(now))), System.Globalization.CultureInfo.InvariantCulture);
                if (live >= limit.Max)
                {
                    return false;
                }
            }

            await ExecuteAsync(c, t, """
                INSERT INTO issued_tokens (token_hash, token_id, user_name, family, graph, issued_at, expires_at, kid, name, description, owner, revoked_at)
                VALUES ($hash, $id, $user, $family, $graph, $issued, $expires, $kid, $name, $description, $owner, $revoked);
                """, cancellationToken, ("$hash", token.TokenHash), ("$id", token.TokenId), ("$user", token.User), ("$family", token.Family.ToString()),
                ("$graph", token.Graph), ("$issued", Ms(token.IssuedAt)), ("$expires", Ms(token.ExpiresAt)), ("$kid", token.Kid),
                ("$name", token.Name), ("$description", token.Description), ("$owner", token.Owner ?? token.User), ("$revoked", Ms(token.RevokedAt)));
            // A key keeps verifying until the last token it signed expires; a token that never expires keeps it forever.
            await ExecuteAsync(c, t, "UPDATE signing_keys SET last_expiry = max(last_expiry, $expiry) WHERE kid = $kid;", cancellationToken,
                ("$kid", token.Kid), ("$expiry", Ms(token.ExpiresAt ?? DateTimeOffset.MaxValue)));
            return true;
        }, cancellationToken);

    public async Task<IssuedToken?> FindIssuedTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectToken} WHERE token_hash = $hash", [("$hash", tokenHash)], ReadToken, cancellationToken));

    public async Task<TokenPage> ListIssuedTokensAsync(TokenQuery query, CancellationToken cancellationToken)
    {
        var where = "WHERE family = $family" + (query.User is null ? string.Empty : " AND user_name = $user")
            + (query.Owner is null ? string.Empty : " AND owner = $owner") + (query.IncludeRevoked ? string.Empty : " AND revoked_at IS NULL");
        (string, object?)[] parameters = [("$family", query.Family.ToString()), ("$user", query.User), ("$owner", query.Owner), ("$start", query.Start), ("$count", query.Count)];
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var total = Convert.ToInt32(await ScalarAsync(connection, transaction, $"SELECT count(*) FROM issued_tokens {where};", cancellationToken, parameters), System.Globalization.CultureInfo.InvariantCulture);
        var tokens = await QueryAsync(connection, transaction,
            $"{SelectToken} {where} ORDER BY expires_at IS NOT NULL, expires_at DESC, issued_at DESC, token_hash LIMIT $count OFFSET $start",
            parameters, ReadToken, cancellationToken);
        return new TokenPage(tokens, total);
    }

    public Task<bool> RevokeTokenAsync(string key, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            if (key.StartsWith(IssuedToken.KeyPrefix, StringComparison.Ordinal))
            {
                var tokenId = key[IssuedToken.KeyPrefix.Length..];
                await ExecuteAsync(c, t, "UPDATE issued_tokens SET revoked_at = $now WHERE token_id = $id AND revoked_at IS NULL;", cancellationToken,
                    ("$id", tokenId), ("$now", Ms(now)));
            }

            var inserted = await ExecuteAsync(c, t, "INSERT OR IGNORE INTO revocations (token_hash, expires_at, revoked_at) VALUES ($key, $expires, $now);",
                cancellationToken, ("$key", key), ("$expires", Ms(expiresAt)), ("$now", Ms(now)));
            return inserted == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<RevokedToken>> RevokeUserTokensAsync(string user, DateTimeOffset now, TimeSpan keepFor, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var tokens = await QueryAsync(c, t,
                "SELECT token_id, expires_at FROM issued_tokens WHERE user_name = $user AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now)",
                [("$user", user), ("$now", Ms(now))],
                r => new RevokedToken(IssuedToken.KeyPrefix + r.GetString(0), r.IsDBNull(1) ? null : Later(Time(r, 1), keepFor)), cancellationToken);
            await ExecuteAsync(c, t, "UPDATE issued_tokens SET revoked_at = $now WHERE user_name = $user AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now);",
                cancellationToken, ("$user", user), ("$now", Ms(now)));
            foreach (var token in tokens)
            {
                await ExecuteAsync(c, t, "INSERT OR IGNORE INTO revocations (token_hash, expires_at, revoked_at) VALUES ($key, $expires, $now);", cancellationToken,
                    ("$key", token.Key), ("$expires", Ms(token.ExpiresAt)), ("$now", Ms(now)));
            }

            return tokens;
        }, cancellationToken);

    public Task<IReadOnlyList<RevokedToken>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT token_hash, expires_at FROM revocations WHERE expires_at IS NULL OR expires_at > $now", [("$now", Ms(now))],
            r => new RevokedToken(r.GetString(0), r.IsDBNull(1) ? null : Time(r, 1)), cancellationToken);

    public Task<BlockOutcome> BlockTokensAsync(string user, IReadOnlyList<BlockedToken> tokens, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await ExecuteAsync(c, t, "DELETE FROM block_list WHERE user_name = $user AND expires_at <= $now;", cancellationToken, ("$user", user), ("$now", Ms(now)));
            var present = await QueryAsync(c, t, "SELECT token_hash FROM block_list WHERE user_name = $user", [("$user", user)], r => r.GetString(0), cancellationToken);
            var fresh = tokens.Select(b => b.Key).Distinct(StringComparer.Ordinal).Except(present, StringComparer.Ordinal).ToList();
            var count = present.Count + fresh.Count;
            if (count > limit)
            {
                return new BlockOutcome(false, count, limit);
            }

            foreach (var token in tokens.Where(b => fresh.Contains(b.Key)).DistinctBy(b => b.Key))
            {
                await ExecuteAsync(c, t, "INSERT INTO block_list (user_name, token_hash, expires_at, added_at) VALUES ($user, $key, $expires, $now);", cancellationToken,
                    ("$user", user), ("$key", token.Key), ("$expires", Ms(token.ExpiresAt)), ("$now", Ms(now)));
            }

            return new BlockOutcome(true, count, limit);
        }, cancellationToken);

    public Task<IReadOnlyList<BlockedToken>> ClearBlockListAsync(string user, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var removed = await QueryAsync(c, t, "SELECT user_name, token_hash, expires_at FROM block_list WHERE user_name = $user", [("$user", user)], ReadBlocked, cancellationToken);
            await ExecuteAsync(c, t, "DELETE FROM block_list WHERE user_name = $user;", cancellationToken, ("$user", user));
            return removed;
        }, cancellationToken);

    public Task<IReadOnlyList<BlockedToken>> ListBlockedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT user_name, token_hash, expires_at FROM block_list WHERE expires_at > $now", [("$now", Ms(now))], ReadBlocked, cancellationToken);

    public Task<AddSecretResult> AddSecretAsync(StoredSecret secret, int limit, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var own = await QueryAsync(c, t, $"{SelectSecret} WHERE user_name = $user", [("$user", secret.User)], ReadSecret, cancellationToken);
            if (own.Any(s => s.Alias == secret.Alias))
            {
                return new AddSecretResult(SecretOutcome.AliasTaken);
            }

            if (own.Any(s => s.Hash == secret.Hash))
            {
                return new AddSecretResult(SecretOutcome.ValueTaken);
            }

            if (own.Count >= limit)
            {
                return new AddSecretResult(SecretOutcome.LimitReached);
            }

            var retired = FirstOrNull(await QueryAsync(c, t, $"DELETE FROM secrets WHERE hash = $hash RETURNING user_name, alias, hash, masked, created_at",
                [("$hash", secret.Hash)], ReadSecret, cancellationToken));
            await ExecuteAsync(c, t, "INSERT INTO secrets (user_name, alias, hash, masked, created_at) VALUES ($user, $alias, $hash, $masked, $created);",
                cancellationToken, ("$user", secret.User), ("$alias", secret.Alias), ("$hash", secret.Hash), ("$masked", secret.Masked), ("$created", Ms(secret.CreatedAt)));
            return new AddSecretResult(SecretOutcome.Added, retired);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredSecret>> ListSecretsAsync(string user, CancellationToken cancellationToken) =>
        QueryAsync($"{SelectSecret} WHERE user_name = $user ORDER BY created_at, alias", [("$user", user)], ReadSecret, cancellationToken);

    public async Task<StoredSecret?> FindSecretAsync(string user, string alias, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectSecret} WHERE user_name = $user AND alias = $alias", [("$user", user), ("$alias", alias)], ReadSecret, cancellationToken));

    public async Task<StoredSecret?> FindSecretByHashAsync(string hash, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectSecret} WHERE hash = $hash", [("$hash", hash)], ReadSecret, cancellationToken));

    public Task<IReadOnlyList<string>> DeleteSecretsAsync(string user, IReadOnlyList<string> aliases, IReadOnlyList<string> hashes, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(async (c, t) =>
        {
            var deleted = new List<string>();
            foreach (var alias in aliases)
            {
                var found = await QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = $user AND alias = $alias RETURNING alias", [("$user", user), ("$alias", alias)], r => r.GetString(0), cancellationToken);
                deleted.AddRange(found);
            }

            foreach (var hash in hashes)
            {
                var found = await QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = $user AND hash = $hash RETURNING alias", [("$user", user), ("$hash", hash)], r => r.GetString(0), cancellationToken);
                deleted.AddRange(found);
            }

            return deleted;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListUsersWithCredentialsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT user_name FROM secrets
            UNION SELECT user_name FROM issued_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now)
            ORDER BY 1
            """, [("$now", Ms(now))], r => r.GetString(0), cancellationToken);

    public Task<byte[]> GetOrAddSettingAsync(string name, Func<byte[]> create, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var existing = await QueryAsync(c, t, "SELECT value FROM settings WHERE name = $name", [("$name", name)], r => (byte[])r[0], cancellationToken);
            if (existing.Count > 0)
            {
                return existing[0];
            }

            var value = create();
            await ExecuteAsync(c, t, "INSERT INTO settings (name, value) VALUES ($name, $value);", cancellationToken, ("$name", name), ("$value", value));
            return value;
        }, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
            await ExecuteAsync(c, t, "DELETE FROM revocations WHERE expires_at IS NOT NULL AND expires_at <= $now;", cancellationToken, ("$now", Ms(now)))
            + await ExecuteAsync(c, t, "DELETE FROM block_list WHERE expires_at <= $now;", cancellationToken, ("$now", Ms(now)))
            + await ExecuteAsync(c, t, "DELETE FROM issued_tokens WHERE expires_at IS NOT NULL AND expires_at <= $now;", cancellationToken, ("$now", Ms(now))),
            cancellationToken);

    private const string SelectToken = "SELECT token_hash, token_id, user_name, family, graph, issued_at, expires_at, kid, name, description, owner, revoked_at FROM issued_tokens";

    private const string SelectSecret = "SELECT user_name, alias, hash, masked, created_at FROM secrets";

    private static IssuedToken ReadToken(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<TokenFamily>(r.GetString(3)), Text(r, 4), Time(r, 5),
        r.IsDBNull(6) ? null : Time(r, 6), r.GetString(7), Text(r, 8), Text(r, 9), Text(r, 10), r.IsDBNull(11) ? null : Time(r, 11));

    private static BlockedToken ReadBlocked(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), Time(r, 2));

    private static StoredSecret ReadSecret(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Time(r, 4));

    private static T? FirstOrNull<T>(IReadOnlyList<T> rows)
        where T : class => rows.Count > 0 ? rows[0] : null;

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset Time(SqliteDataReader r, int i)
    {
        var ms = r.GetInt64(i);
        return ms >= MaxMs ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset Later(DateTimeOffset time, TimeSpan by) => time >= DateTimeOffset.MaxValue - by ? DateTimeOffset.MaxValue : time + by;

    private static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;", cancellationToken);
        return connection;
    }

    /// <summary>One write transaction, holding the write lock from its start (BEGIN IMMEDIATE).</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async (c, t) =>
        {
            await work(c, t);
            return true;
        }, cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, (string, object?)[]? parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryAsync(connection, null, sql, parameters, read, cancellationToken);
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        (string, object?)[]? parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters ?? []);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string, object?)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "The store file {File} had mode {Mode}, open to other users; it is now {Tightened}")]
        public static partial void ModeTightened(ILogger logger, string file, string mode, string tightened);
    }
}
