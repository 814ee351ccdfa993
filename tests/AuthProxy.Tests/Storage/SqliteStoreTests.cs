using AuthProxy.Storage;

namespace AuthProxy.Tests.Storage;

/// <summary>The embedded SQLite engine against the conformance suite, on real files.</summary>
public sealed class SqliteStoreTests : StoreConformanceTests, IDisposable
{
    private readonly string _directory = Common.ProxyHost.CreateDirectory();
    private readonly Dictionary<string, IAuthProxyStore> _open = [];

    /// <summary>A store of its own, or (reopened) the same file after the instance that had it let go.</summary>
    internal override async Task<IAuthProxyStore> CreateStoreAsync(string name = "main")
    {
        if (_open.Remove(name, out var previous))
        {
            previous.Dispose();
        }

        var store = new SqliteStore($"Data Source={Path.Combine(_directory, name, "authproxy.db")}");
        await store.InitializeAsync(CancellationToken.None);
        _open[name] = store;
        return store;
    }

    [Fact]
    public async Task ASecondInstance_OnTheSameFile_RefusesToStart_PointingAtPostgreSQL()
    {
        var first = (SqliteStore)await CreateStoreAsync("shared");

        using var second = new SqliteStore($"Data Source={first.DataSource}");
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync(CancellationToken.None));

        Assert.Contains("in use by another AuthProxy instance", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("AuthProxy:Store:Provider=PostgreSQL", refusal.Message, StringComparison.Ordinal);
        first.Dispose();
        await second.InitializeAsync(CancellationToken.None); // once the first has let go, it starts
    }

    [Fact]
    public async Task UsesWriteAheadLogging_AndRecordsTheSchemaVersion()
    {
        var store = (SqliteStore)await CreateStoreAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DataSource}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; ";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)SqliteSchema.Version, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AVersion1Store_IsMigrated_RevocationsOfOwnTokensByJti_OthersKeptByTheirText()
    {
        var path = Path.Combine(_directory, "v1", "authproxy.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, algorithm TEXT NOT NULL, private_key BLOB NOT NULL, public_jwk TEXT NOT NULL,
                    created_at INTEGER NOT NULL, retire_at INTEGER NOT NULL, last_expiry INTEGER NOT NULL);
                CREATE TABLE issued_tokens (token_hash TEXT PRIMARY KEY, token_id TEXT NOT NULL UNIQUE, user_name TEXT NOT NULL, family TEXT NOT NULL,
                    graph TEXT, issued_at INTEGER NOT NULL, expires_at INTEGER, kid TEXT NOT NULL, name TEXT, description TEXT, owner TEXT, revoked_at INTEGER);
                CREATE TABLE revocations (token_hash TEXT PRIMARY KEY, expires_at INTEGER, revoked_at INTEGER NOT NULL);
                CREATE TABLE block_list (user_name TEXT NOT NULL, token_hash TEXT NOT NULL, expires_at INTEGER NOT NULL, added_at INTEGER NOT NULL,
                    PRIMARY KEY (user_name, token_hash));
                CREATE TABLE secrets (user_name TEXT NOT NULL, alias TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, masked TEXT NOT NULL,
                    created_at INTEGER NOT NULL, PRIMARY KEY (user_name, alias));
                CREATE TABLE settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                INSERT INTO issued_tokens VALUES ('own-hash', 'jti-1', 'kevin', 'Gsql', NULL, 0, 4102444800000, 'k1', NULL, NULL, 'kevin', 1);
                INSERT INTO issued_tokens VALUES ('blocked-hash', 'jti-2', 'kevin', 'Gsql', NULL, 0, 4102444800000, 'k1', NULL, NULL, 'kevin', NULL);
                INSERT INTO revocations VALUES ('own-hash', 4102444800000, 1);
                INSERT INTO revocations VALUES ('third-party-hash', 4102444800000, 1);
                INSERT INTO block_list VALUES ('kevin', 'blocked-hash', 4102444800000, 1);
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync();
        }

        var store = new SqliteStore($"Data Source={path}");
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(["jti:jti-1", "text:third-party-hash"], (await store.ListRevocationsAsync(Now, CancellationToken.None)).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["jti:jti-2"], (await store.ListBlockedTokensAsync(Now, CancellationToken.None)).Select(b => b.Key));
    }

    [Fact]
    public async Task ANewerSchema_IsRefused()
    {
        var store = (SqliteStore)await CreateStoreAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.DataSource};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        store.Dispose();
        using var again = new SqliteStore($"Data Source={store.DataSource}");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => again.InitializeAsync(CancellationToken.None));
        Assert.Contains("schema version 99", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var store in _open.Values)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
