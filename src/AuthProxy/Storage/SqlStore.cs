using System.Data;
using System.Data.Common;
using static AuthProxy.Storage.DbCommands;
using static AuthProxy.Storage.DbRows;

namespace AuthProxy.Storage;

/// <summary>
/// The store's statements, shared by both engines: every write is one transaction that holds the
/// engine's write lock from its start (<see cref="BeginWriteAsync"/>), so writers never interleave
/// and a check followed by a write (a cap, a first-writer-wins setting) holds across instances.
/// Writes that change what instances keep in memory also append to the change log in the same
/// transaction, numbered in commit order (<see cref="RecordChangesAsync"/>).
/// </summary>
internal abstract class SqlStore : IAuthProxyStore
{
    /// <summary>How long the change log keeps an entry; an instance further behind reloads everything.</summary>
    public static readonly TimeSpan ChangeRetention = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;

    protected SqlStore(TimeProvider? time) => _time = time ?? TimeProvider.System;

    /// <summary>The engine's function for the larger of two values.</summary>
    protected abstract string Greatest { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(async () =>
            {
                await using var connection = await OpenAsync(cancellationToken);
                return await LongAsync(connection, null, "SELECT count(*) FROM settings;", cancellationToken) >= 0;
            });
        }
        catch (StoreUnavailableException)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<StoredSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken) =>
        QueryAsync(SelectSigningKeys, null, ReadSigningKey, cancellationToken);

    public Task AddSigningKeyAsync(StoredSigningKey key, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await InsertSigningKeyAsync(c, t, key, cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredSigningKey>> AddSigningKeyUnlessAsync(Func<IReadOnlyList<StoredSigningKey>, StoredSigningKey?> next, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var keys = await DbCommands.QueryAsync(c, t, SelectSigningKeys, null, ReadSigningKey, cancellationToken);
            if (next(keys) is not { } key)
            {
                return keys;
            }

            await InsertSigningKeyAsync(c, t, key, cancellationToken);
            return (IReadOnlyList<StoredSigningKey>)[.. keys, key];
        }, cancellationToken);

    public Task<bool> DeleteSigningKeyAsync(string kid, DateTimeOffset lastExpiryAtMost, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            if (await ExecuteAsync(c, t, "DELETE FROM signing_keys WHERE kid = @kid AND last_expiry <= @last;", cancellationToken,
                ("@kid", kid), ("@last", Ms(lastExpiryAtMost))) == 0)
            {
                return false;
            }

            await RecordChangesAsync(c, t, [new(0, StoreChangeKind.SigningKeys, kid, null, null)], cancellationToken);
            return true;
        }, cancellationToken);

    public Task<bool> RecordIssuedTokenAsync(IssuedToken token, TokenLimit? limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            if (limit is not null)
            {
                var families = string.Join(", ", limit.Families.Select(f => $"'{f}'"));
                var live = await LongAsync(c, t, $"""
                    SELECT count(*) FROM issued_tokens WHERE user_name = @user AND family IN ({families})
                    AND (expires_at IS NULL OR expires_at > @now);
                    """, cancellationToken, ("@user", token.User), ("@now", Ms(now)));
                if (live >= limit.Max)
                {
                    return false;
                }
            }

            await ExecuteAsync(c, t, """
                INSERT INTO issued_tokens (token_hash, token_id, user_name, family, graph, issued_at, expires_at, kid, name, description, owner, revoked_at)
                VALUES (@hash, @id, @user, @family, @graph, @issued, @expires, @kid, @name, @description, @owner, @revoked);
                """, cancellationToken, ("@hash", token.TokenHash), ("@id", token.TokenId), ("@user", token.User), ("@family", token.Family.ToString()),
                ("@graph", token.Graph), ("@issued", Ms(token.IssuedAt)), ("@expires", Ms(token.ExpiresAt)), ("@kid", token.Kid),
                ("@name", token.Name), ("@description", token.Description), ("@owner", token.Owner ?? token.User), ("@revoked", Ms(token.RevokedAt)));
            // A key keeps verifying until the last token it signed expires; a token that never expires keeps it forever.
            await ExecuteAsync(c, t, $"UPDATE signing_keys SET last_expiry = {Greatest}(last_expiry, @expiry) WHERE kid = @kid;", cancellationToken,
                ("@kid", token.Kid), ("@expiry", Ms(token.ExpiresAt ?? DateTimeOffset.MaxValue)));
            return true;
        }, cancellationToken);

    public async Task<IssuedToken?> FindIssuedTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectToken} WHERE token_hash = @hash", [("@hash", tokenHash)], ReadToken, cancellationToken));

    public Task<TokenPage> ListIssuedTokensAsync(TokenQuery query, CancellationToken cancellationToken)
    {
        var where = "WHERE family = @family" + (query.User is null ? string.Empty : " AND user_name = @user")
            + (query.Owner is null ? string.Empty : " AND owner = @owner") + (query.IncludeRevoked ? string.Empty : " AND revoked_at IS NULL");
        (string, object?)[] parameters = [("@family", query.Family.ToString()), ("@user", query.User), ("@owner", query.Owner), ("@start", query.Start), ("@count", query.Count)];
        return RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            // One snapshot for the count and the page.
            await using var transaction = await connection.BeginTransactionAsync(SnapshotIsolation, cancellationToken);
            var total = (int)await LongAsync(connection, transaction, $"SELECT count(*) FROM issued_tokens {where};", cancellationToken, parameters);
            var tokens = await DbCommands.QueryAsync(connection, transaction,
                $"{SelectToken} {where} ORDER BY expires_at IS NOT NULL, expires_at DESC, issued_at DESC, token_hash LIMIT @count OFFSET @start",
                parameters, ReadToken, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new TokenPage(tokens, total);
        });
    }

    public Task<bool> RevokeTokenAsync(string key, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            if (key.StartsWith(IssuedToken.KeyPrefix, StringComparison.Ordinal))
            {
                var tokenId = key[IssuedToken.KeyPrefix.Length..];
                await ExecuteAsync(c, t, "UPDATE issued_tokens SET revoked_at = @now WHERE token_id = @id AND revoked_at IS NULL;", cancellationToken,
                    ("@id", tokenId), ("@now", Ms(now)));
            }

            var inserted = await InsertRevocationAsync(c, t, key, expiresAt, now, cancellationToken);
            // Logged even when it was revoked already: an instance that missed it learns it again.
            await RecordChangesAsync(c, t, [new(0, StoreChangeKind.Revoke, key, null, expiresAt)], cancellationToken);
            return inserted;
        }, cancellationToken);

    public Task<IReadOnlyList<RevokedToken>> RevokeUserTokensAsync(string user, DateTimeOffset now, TimeSpan keepFor, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var tokens = await DbCommands.QueryAsync(c, t,
                "SELECT token_id, expires_at FROM issued_tokens WHERE user_name = @user AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)",
                [("@user", user), ("@now", Ms(now))],
                r => new RevokedToken(IssuedToken.KeyPrefix + r.GetString(0), r.IsDBNull(1) ? null : Later(Time(r, 1), keepFor)), cancellationToken);
            await ExecuteAsync(c, t, "UPDATE issued_tokens SET revoked_at = @now WHERE user_name = @user AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now);",
                cancellationToken, ("@user", user), ("@now", Ms(now)));
            foreach (var token in tokens)
            {
                await InsertRevocationAsync(c, t, token.Key, token.ExpiresAt, now, cancellationToken);
            }

            await RecordChangesAsync(c, t, [.. tokens.Select(r => new StoreChange(0, StoreChangeKind.Revoke, r.Key, user, r.ExpiresAt))], cancellationToken);
            return tokens;
        }, cancellationToken);

    public Task<IReadOnlyList<RevokedToken>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT token_hash, expires_at FROM revocations WHERE expires_at IS NULL OR expires_at > @now", [("@now", Ms(now))],
            r => new RevokedToken(r.GetString(0), OptionalTime(r, 1)), cancellationToken);

    public Task<BlockOutcome> BlockTokensAsync(string user, IReadOnlyList<BlockedToken> tokens, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            await ExecuteAsync(c, t, "DELETE FROM block_list WHERE user_name = @user AND expires_at <= @now;", cancellationToken, ("@user", user), ("@now", Ms(now)));
            var present = await DbCommands.QueryAsync(c, t, "SELECT token_hash FROM block_list WHERE user_name = @user", [("@user", user)], r => r.GetString(0), cancellationToken);
            var fresh = tokens.Select(b => b.Key).Distinct(StringComparer.Ordinal).Except(present, StringComparer.Ordinal).ToList();
            var count = present.Count + fresh.Count;
            if (count > limit)
            {
                return new BlockOutcome(false, count, limit);
            }

            var added = tokens.Where(b => fresh.Contains(b.Key)).DistinctBy(b => b.Key).ToList();
            foreach (var token in added)
            {
                await ExecuteAsync(c, t, "INSERT INTO block_list (user_name, token_hash, expires_at, added_at) VALUES (@user, @key, @expires, @now);", cancellationToken,
                    ("@user", user), ("@key", token.Key), ("@expires", Ms(token.ExpiresAt)), ("@now", Ms(now)));
            }

            if (added.Count > 0)
            {
                await RecordChangesAsync(c, t, [.. added.Select(b => new StoreChange(0, StoreChangeKind.Block, b.Key, user, b.ExpiresAt))], cancellationToken);
            }

            return new BlockOutcome(true, count, limit);
        }, cancellationToken);

    public Task<IReadOnlyList<BlockedToken>> ClearBlockListAsync(string user, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var removed = await DbCommands.QueryAsync(c, t, "DELETE FROM block_list WHERE user_name = @user RETURNING user_name, token_hash, expires_at",
                [("@user", user)], ReadBlocked, cancellationToken);
            if (removed.Count > 0)
            {
                await RecordChangesAsync(c, t, [.. removed.Select(b => new StoreChange(0, StoreChangeKind.Unblock, b.Key, user, b.ExpiresAt))], cancellationToken);
            }

            return removed;
        }, cancellationToken);

    public Task<IReadOnlyList<BlockedToken>> ListBlockedTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("SELECT user_name, token_hash, expires_at FROM block_list WHERE expires_at > @now", [("@now", Ms(now))], ReadBlocked, cancellationToken);

    public Task<AddSecretResult> AddSecretAsync(StoredSecret secret, int limit, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var own = await DbCommands.QueryAsync(c, t, $"{SelectSecret} WHERE user_name = @user", [("@user", secret.User)], ReadSecret, cancellationToken);
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

            var retired = FirstOrNull(await DbCommands.QueryAsync(c, t, "DELETE FROM secrets WHERE hash = @hash RETURNING user_name, alias, hash, masked, created_at",
                [("@hash", secret.Hash)], ReadSecret, cancellationToken));
            await ExecuteAsync(c, t, "INSERT INTO secrets (user_name, alias, hash, masked, created_at) VALUES (@user, @alias, @hash, @masked, @created);",
                cancellationToken, ("@user", secret.User), ("@alias", secret.Alias), ("@hash", secret.Hash), ("@masked", secret.Masked), ("@created", Ms(secret.CreatedAt)));
            return new AddSecretResult(SecretOutcome.Added, retired);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredSecret>> ListSecretsAsync(string user, CancellationToken cancellationToken) =>
        QueryAsync($"{SelectSecret} WHERE user_name = @user ORDER BY created_at, alias", [("@user", user)], ReadSecret, cancellationToken);

    public async Task<StoredSecret?> FindSecretAsync(string user, string alias, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectSecret} WHERE user_name = @user AND alias = @alias", [("@user", user), ("@alias", alias)], ReadSecret, cancellationToken));

    public async Task<StoredSecret?> FindSecretByHashAsync(string hash, CancellationToken cancellationToken) =>
        FirstOrNull(await QueryAsync($"{SelectSecret} WHERE hash = @hash", [("@hash", hash)], ReadSecret, cancellationToken));

    public Task<IReadOnlyList<string>> DeleteSecretsAsync(string user, IReadOnlyList<string> aliases, IReadOnlyList<string> hashes, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(async (c, t) =>
        {
            var deleted = new List<string>();
            foreach (var alias in aliases)
            {
                deleted.AddRange(await DbCommands.QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = @user AND alias = @alias RETURNING alias",
                    [("@user", user), ("@alias", alias)], r => r.GetString(0), cancellationToken));
            }

            foreach (var hash in hashes)
            {
                deleted.AddRange(await DbCommands.QueryAsync(c, t, "DELETE FROM secrets WHERE user_name = @user AND hash = @hash RETURNING alias",
                    [("@user", user), ("@hash", hash)], r => r.GetString(0), cancellationToken));
            }

            return deleted;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ListUsersWithCredentialsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync("""
            SELECT user_name FROM secrets
            UNION SELECT user_name FROM issued_tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            ORDER BY 1
            """, [("@now", Ms(now))], r => r.GetString(0), cancellationToken);

    public Task<byte[]> GetOrAddSettingAsync(string name, Func<byte[]> create, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
        {
            var existing = await DbCommands.QueryAsync(c, t, "SELECT value FROM settings WHERE name = @name", [("@name", name)], r => (byte[])r[0], cancellationToken);
            if (existing.Count > 0)
            {
                return existing[0];
            }

            var value = create();
            await ExecuteAsync(c, t, "INSERT INTO settings (name, value) VALUES (@name, @value);", cancellationToken, ("@name", name), ("@value", value));
            return value;
        }, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t) =>
            await ExecuteAsync(c, t, "DELETE FROM revocations WHERE expires_at IS NOT NULL AND expires_at <= @now;", cancellationToken, ("@now", Ms(now)))
            + await ExecuteAsync(c, t, "DELETE FROM block_list WHERE expires_at <= @now;", cancellationToken, ("@now", Ms(now)))
            + await ExecuteAsync(c, t, "DELETE FROM issued_tokens WHERE expires_at IS NOT NULL AND expires_at <= @now;", cancellationToken, ("@now", Ms(now)))
            + await ExecuteAsync(c, t, "DELETE FROM changes WHERE at <= @before;", cancellationToken, ("@before", Ms(now - ChangeRetention))),
            cancellationToken);

    public Task<long> LastChangeAsync(CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await LongAsync(connection, null, "SELECT seq FROM change_counter WHERE id = 1;", cancellationToken);
        });

    public Task<ChangeBatch> ReadChangesAsync(long after, int max, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(SnapshotIsolation, cancellationToken);
            var last = await LongAsync(connection, transaction, "SELECT seq FROM change_counter WHERE id = 1;", cancellationToken);
            var oldest = await ScalarAsync(connection, transaction, "SELECT min(seq) FROM changes;", cancellationToken);
            // Sequences have no holes: a write takes the next one and logs at least one entry with it.
            var complete = last <= after || (oldest is not null and not DBNull && Convert.ToInt64(oldest, System.Globalization.CultureInfo.InvariantCulture) <= after + 1);
            // Whole writes only: up to max sequences at a time.
            var upper = Math.Min(last, after + max);
            var changes = complete && upper > after
                ? await DbCommands.QueryAsync(connection, transaction,
                    "SELECT seq, kind, change_key, user_name, expires_at, at FROM changes WHERE seq > @after AND seq <= @upper ORDER BY seq, n",
                    [("@after", after), ("@upper", upper)],
                    r => new StoreChange(r.GetInt64(0), Enum.Parse<StoreChangeKind>(r.GetString(1)), r.GetString(2), Text(r, 3), OptionalTime(r, 4), Time(r, 5)), cancellationToken)
                : [];
            await transaction.CommitAsync(cancellationToken);
            return new ChangeBatch(changes, complete ? Math.Max(upper, after) : last, complete);
        });

    /// <summary>
    /// Held while an instance starts (Data Protection's first key, the first signing key, the
    /// secret hash key): instances starting together take turns, and the later ones find what the
    /// first made. The embedded engine serves one instance and needs none.
    /// </summary>
    public virtual Task<IAsyncDisposable> HoldStartLockAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public virtual void Dispose()
    {
        _writers.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens a connection ready for statements; a store that cannot be reached throws <see cref="StoreUnavailableException"/>.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a write transaction holding the engine's write lock.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Tells other instances that <paramref name="sequence"/> was committed (at commit), where the engine can.</summary>
    protected abstract Task NotifyAsync(DbConnection connection, DbTransaction transaction, long sequence, CancellationToken cancellationToken);

    /// <summary>Whether a failure means the store is unreachable or overloaded now (rather than a fault in AuthProxy).</summary>
    protected abstract bool IsUnavailable(Exception exception);

    /// <summary>The isolation of a read that must see one snapshot.</summary>
    protected virtual IsolationLevel SnapshotIsolation => IsolationLevel.Serializable;

    /// <summary>
    /// One write transaction. Writers of this instance queue here first, so a burst of writes
    /// waits without holding pooled connections (the engine's lock serialises them anyway); a
    /// write that cannot take its turn within <see cref="WriteQueueTimeout"/> is refused as the
    /// store being unavailable.
    /// </summary>
    protected Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            if (!await _writers.WaitAsync(WriteQueueTimeout, cancellationToken))
            {
                throw new StoreUnavailableException($"The store is busy: a write waited {WriteQueueTimeout.TotalSeconds:F0} s for its turn.");
            }

            try
            {
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await BeginWriteAsync(connection, cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            finally
            {
                _writers.Release();
            }
        });

    /// <summary>How long a write waits for the writes before it on this instance.</summary>
    public static readonly TimeSpan WriteQueueTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _writers = new(1, 1);

    /// <summary>Runs store work, turning the engine's "cannot reach it now" failures into <see cref="StoreUnavailableException"/>.</summary>
    protected async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception ex) when (ex is not StoreUnavailableException && IsUnavailable(ex))
        {
            throw new StoreUnavailableException("The store cannot be reached: " + ex.Message, ex);
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, (string, object?)[]? parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken) =>
        await RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await DbCommands.QueryAsync(connection, null, sql, parameters, read, cancellationToken);
        });

    private const string SelectSigningKeys = "SELECT kid, algorithm, private_key, public_jwk, created_at, retire_at, last_expiry FROM signing_keys ORDER BY created_at, kid";

    private async Task InsertSigningKeyAsync(DbConnection c, DbTransaction t, StoredSigningKey key, CancellationToken cancellationToken)
    {
        await ExecuteAsync(c, t,
            "INSERT INTO signing_keys (kid, algorithm, private_key, public_jwk, created_at, retire_at, last_expiry) VALUES (@kid, @alg, @key, @jwk, @created, @retire, @last);",
            cancellationToken, ("@kid", key.Kid), ("@alg", key.Algorithm), ("@key", key.ProtectedPrivateKey), ("@jwk", key.PublicJwk),
            ("@created", Ms(key.CreatedAt)), ("@retire", Ms(key.RetireAt)), ("@last", Ms(key.LastExpiry)));
        await RecordChangesAsync(c, t, [new(0, StoreChangeKind.SigningKeys, key.Kid, null, null)], cancellationToken);
    }

    private static async Task<bool> InsertRevocationAsync(DbConnection c, DbTransaction t, string key, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(c, t, "INSERT INTO revocations (token_hash, expires_at, revoked_at) VALUES (@key, @expires, @now) ON CONFLICT DO NOTHING;",
            cancellationToken, ("@key", key), ("@expires", Ms(expiresAt)), ("@now", Ms(now))) == 1;

    /// <summary>
    /// Appends one write's changes to the log under the next sequence. The counter row is updated
    /// first, so it stays locked until this transaction commits: sequences commit in order, and a
    /// reader that has seen a sequence has seen every one before it.
    /// </summary>
    private async Task RecordChangesAsync(DbConnection c, DbTransaction t, IReadOnlyList<StoreChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var sequence = await LongAsync(c, t, "UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq;", cancellationToken);
        var at = Ms(_time.GetUtcNow());
        for (var n = 0; n < changes.Count; n++)
        {
            var change = changes[n];
            await ExecuteAsync(c, t, "INSERT INTO changes (seq, n, kind, change_key, user_name, expires_at, at) VALUES (@seq, @n, @kind, @key, @user, @expires, @at);",
                cancellationToken, ("@seq", sequence), ("@n", n), ("@kind", change.Kind.ToString()), ("@key", change.Key), ("@user", change.User),
                ("@expires", Ms(change.ExpiresAt)), ("@at", at));
        }

        await NotifyAsync(c, t, sequence, cancellationToken);
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
