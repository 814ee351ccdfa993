using System.Data;
using Microsoft.Data.Sqlite;
using static AuthProxy.Storage.SqliteCommands;
using static AuthProxy.Storage.SqliteRows;

namespace AuthProxy.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a write is on
/// disk when its method returns and a crash loses nothing acknowledged. Writers take the write
/// lock up front (<c>BEGIN IMMEDIATE</c>) and wait for each other (busy timeout), so concurrent
/// writers never interleave. The schema is created and migrated on start (<c>PRAGMA user_version</c>).
/// </summary>
internal sealed class SqliteStore : IAuthProxyStore
{
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
        SqliteFiles.Prepare(Path.GetFullPath(DataSource), _logger);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await SqliteSchema.MigrateAsync(connection, DataSource, cancellationToken);
    }

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
                    AND (expires_at IS NULL OR expires_at > $now);
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
        var tokens = await SqliteCommands.QueryAsync(connection, transaction,
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
            var tokens = await SqliteCommands.QueryAsync(c, t,
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
            var present = await SqliteCommands.QueryAsync(c, t, "SELECT token_hash FROM block_list WHERE user_name = $user", [("$user", user)], r => r.GetString(0), cancellationToken);
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
            var removed = await SqliteCommands.QueryAsync(c, t, "SELECT user_name, token_hash, expires_at FROM block_list WHERE user_name = $user", [("$user", user)], ReadBlocked, cancellationToken);
            await ExecuteAsync(c, t, "DELETE FROM block_list WHERE user_name = $user;", cancellationToken, ("$user", user));
            return removed;
        }, cancellationToken);

    public Task<IReadOnlyList<BlockedToken>> ListBlockedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT user_name, token_hash, expires_at FROM block_list WHERE expires_at > $now", [("$now", Ms(now))], ReadBlocked, cancellationToken);

    public Task<AddSecretResult> AddSecretAsync(StoredSecret secret, int limit, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var own = await SqliteCommands.QueryAsync(c, t, $"{SelectSecret} WHERE user_name = $user", [("$user", secret.User)], ReadSecret, cancellationToken);
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

            var retired = FirstOrNull(await SqliteCommands.QueryAsync(c, t, $"DELETE FROM secrets WHERE hash = $hash RETURNING user_name, alias, hash, masked, created_at",
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
                var found = await SqliteCommands.QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = $user AND alias = $alias RETURNING alias", [("$user", user), ("$alias", alias)], r => r.GetString(0), cancellationToken);
                deleted.AddRange(found);
            }

            foreach (var hash in hashes)
            {
                var found = await SqliteCommands.QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = $user AND hash = $hash RETURNING alias", [("$user", user), ("$hash", hash)], r => r.GetString(0), cancellationToken);
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
            var existing = await SqliteCommands.QueryAsync(c, t, "SELECT value FROM settings WHERE name = $name", [("$name", name)], r => (byte[])r[0], cancellationToken);
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
        return await SqliteCommands.QueryAsync(connection, null, sql, parameters, read, cancellationToken);
    }
}
