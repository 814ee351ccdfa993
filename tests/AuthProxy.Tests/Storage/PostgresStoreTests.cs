using AuthProxy.Storage;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Storage;

/// <summary>The PostgreSQL engine against the conformance suite, on a real server (a database per test).</summary>
public sealed class PostgresStoreTests : StoreConformanceTests, IDisposable
{
    private readonly Dictionary<string, string> _databases = [];
    private readonly List<IAuthProxyStore> _stores = [];

    internal override async Task<IAuthProxyStore> CreateStoreAsync(string name = "main")
    {
        var server = await PostgresServer.GetAsync();
        if (!_databases.TryGetValue(name, out var connectionString))
        {
            connectionString = await server.CreateDatabaseAsync();
            _databases[name] = connectionString;
        }

        var store = new PostgresStore(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task InstancesStartingTogether_MigrateOnce()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresStore(connectionString)).ToList();
        _stores.AddRange(stores);

        await Task.WhenAll(stores.Select(s => s.InitializeAsync(CancellationToken.None)));

        await stores[0].RevokeTokenAsync("jti:x", null, Now, CancellationToken.None);
        foreach (var store in stores)
        {
            Assert.Equal(["jti:x"], (await store.ListRevocationsAsync(Now, CancellationToken.None)).Select(r => r.Key));
        }
    }

    [Fact]
    public async Task ANewerSchema_IsRefused()
    {
        var store = (PostgresStore)await CreateStoreAsync();
        await store.WithConnectionAsync(async connection =>
        {
            await using var command = new Npgsql.NpgsqlCommand("UPDATE authproxy_schema SET version = 99", connection);
            return await command.ExecuteNonQueryAsync();
        }, CancellationToken.None);

        var again = new PostgresStore(store.ConnectionString);
        _stores.Add(again);
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => again.InitializeAsync(CancellationToken.None));
        Assert.Contains("schema version 99", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServer_IsStoreUnavailable_NotAFault()
    {
        using var store = new PostgresStore($"Host=127.0.0.1;Port={ProxyHost.FreePort()};Username=postgres;Database=none;Timeout=2");

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.RevokeTokenAsync("jti:x", null, Now, CancellationToken.None));
        Assert.False(await store.PingAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }
}
