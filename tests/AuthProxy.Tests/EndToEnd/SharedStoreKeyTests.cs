using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Two instances of one PostgreSQL store, in this process: each learns the keys the other makes, a
/// retired key is kept while a token any instance signed with it lives, whichever instance's
/// maintenance runs first, and instances whose clocks disagree each sign with the newest key their
/// clock allows while both verify every token.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SharedStoreKeyTests(BackendProcess backend)
{
    private static async Task<string> GsqlTokenAsync(ProxyHost proxy, long lifetimeMs)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social", lifetime = lifetimeMs })
            .WithBasic("kevin", TestUsers.KevinPassword));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private static async Task<string[]> PublishedAsync(ProxyHost proxy)
    {
        var jwks = JsonDocument.Parse(await proxy.Client.GetStringAsync(".well-known/jwks.json")).RootElement;
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<HttpStatusCode> UseAsync(ProxyHost proxy, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    /// <summary>A new PostgreSQL database for instances to share, with one-hour signing keys.</summary>
    private static async Task<Dictionary<string, string>> SharedStoreAsync() => new()
    {
        ["AuthProxy:Store:Provider"] = "PostgreSQL",
        ["AuthProxy:Store:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync(),
        ["Security:JWT:KeyTtl"] = "01:00:00",
    };

    private static Task RunMaintenanceAsync(ProxyHost proxy) =>
        proxy.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().RunOnceAsync(CancellationToken.None);

    /// <param name="lastingMs">
    /// The lifetime of A's second token: three hours, or one that expires 30 s after the maintenance
    /// runs (inside the minute of clock skew, which the store's bound must not add a second time).
    /// </param>
    [Theory]
    [InlineData(3L * 3600 * 1000)]
    [InlineData((20L * 60 + 30) * 1000)]
    public async Task ARetiredKey_IsKeptWhileATokenAnotherInstanceSignedWithItLives(long lastingMs)
    {
        var clock = ProxyHost.FakeClock();
        var settings = await SharedStoreAsync();
        await using var a = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock);
        await using var b = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock);
        var current = Assert.Single(await PublishedAsync(a));
        Assert.Equal([current], await PublishedAsync(b));

        // Within the key's last tenth: a short token on A makes the successor, which B learns.
        clock.Advance(TimeSpan.FromMinutes(55));
        var brief = await GsqlTokenAsync(a, 5 * 60 * 1000);
        Assert.Equal(current, new JsonWebToken(brief).Kid);
        await ProxyHost.EventuallyAsync(async () => (await PublishedAsync(b)).Length == 2, "B publishes the successor A made");

        // Then A signs a long token with the same key, which still signs until it retires.
        var lasting = await GsqlTokenAsync(a, lastingMs);
        Assert.Equal(current, new JsonWebToken(lasting).Kid);

        // Retired, the short token long expired: B's maintenance must not drop the key the long token needs.
        clock.Advance(TimeSpan.FromMinutes(20));
        await RunMaintenanceAsync(b);
        await RunMaintenanceAsync(a);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a change B made would reach A within a second

        Assert.Contains(current, await PublishedAsync(a));
        Assert.Contains(current, await PublishedAsync(b));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(a, lasting));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(b, lasting));
        // Neither says it removed the key the store kept.
        Assert.DoesNotContain(a.Logs.GetSnapshot().Concat(b.Logs.GetSnapshot()), r => r.Message.StartsWith($"Signing key {current} removed", StringComparison.Ordinal));
    }

    /// <summary>
    /// B's clock is thirty seconds behind A's (within the allowed clock skew, a minute). A's key has not started yet in B's time, so B makes a key
    /// of its own that starts at B's now; A learns it. Two keys of one algorithm now cover A's now:
    /// A keeps signing with the newest (its own), B with the only one its clock allows, and either
    /// instance verifies the other's tokens.
    /// </summary>
    [Fact]
    public async Task InstancesWhoseClocksDisagree_EachSignWithTheNewestKeyTheirClockAllows_AndVerifyEachOthersTokens()
    {
        var clockA = ProxyHost.FakeClock();
        var clockB = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(clockA.GetUtcNow() - TimeSpan.FromSeconds(30));
        var settings = await SharedStoreAsync();
        await using var a = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clockA);
        var keyOfA = Assert.Single(await PublishedAsync(a));

        await using var b = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clockB);
        var keyOfB = Assert.Single(await PublishedAsync(b), kid => kid != keyOfA);
        await ProxyHost.EventuallyAsync(async () => (await PublishedAsync(a)).Length == 2, "A publishes the key B made");

        var tokenOfA = await GsqlTokenAsync(a, 5 * 60 * 1000);
        var tokenOfB = await GsqlTokenAsync(b, 5 * 60 * 1000);
        Assert.Equal(keyOfA, new JsonWebToken(tokenOfA).Kid);
        Assert.Equal(keyOfB, new JsonWebToken(tokenOfB).Kid);

        foreach (var proxy in new[] { a, b })
        {
            Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, tokenOfA));
            Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, tokenOfB));
        }
    }

    /// <summary>
    /// Rotation happens once across the instances of a store, even for an instance that has not
    /// heard of the other's successor yet (its change feed and maintenance stopped here, as a lost
    /// notification would leave it until the next poll): the store's own keys decide, under its
    /// write lock.
    /// </summary>
    [Fact]
    public async Task AnInstanceThatHasNotHeardOfTheSuccessor_DoesNotMakeASecondOne()
    {
        var clock = ProxyHost.FakeClock();
        var settings = await SharedStoreAsync();
        await using var a = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock);
        await using var b = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock);
        var current = Assert.Single(await PublishedAsync(b));
        // B hears nothing from the store (its change feed stopped) and does no maintenance of its own.
        await b.Services.GetServices<IHostedService>().OfType<AuthProxy.Storage.StoreChangeFeed>().Single().StopAsync(CancellationToken.None);
        await b.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().StopAsync(CancellationToken.None);

        // Within the key's last tenth: A makes the successor; B, deaf to A, is asked for a token too.
        clock.Advance(TimeSpan.FromMinutes(55));
        await GsqlTokenAsync(a, 60 * 1000);
        var successor = Assert.Single(await PublishedAsync(a), kid => kid != current);
        Assert.Equal([current], await PublishedAsync(b));
        await GsqlTokenAsync(b, 60 * 1000);

        // B learnt A's successor from the store while rotating, and made none of its own.
        Assert.Equal(new[] { current, successor }.Order(StringComparer.Ordinal), (await PublishedAsync(b)).Order(StringComparer.Ordinal));

        // Once the old key retires, both sign with the one successor.
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(successor, new JsonWebToken(await GsqlTokenAsync(a, 60 * 1000)).Kid);
        Assert.Equal(successor, new JsonWebToken(await GsqlTokenAsync(b, 60 * 1000)).Kid);
    }

    /// <summary>
    /// Instances that each keep a copy of the Data Protection keys in a directory of their own
    /// start together, then drift apart when one makes a new Data Protection key (its keys were
    /// revoked, or its key neared expiry). B cannot decrypt the signing key A makes with it: B says
    /// so at once, keeps verifying A's tokens with the key's public half, and once its last key it can decrypt
    /// retires, refuses to sign, naming the cause, rather than minting a key of its own.
    /// </summary>
    [Fact]
    public async Task AnInstanceWhoseDataProtectionKeysFellBehind_VerifiesButNeverSignsWithAKeyItCannotDecrypt()
    {
        var clock = ProxyHost.FakeClock();
        var settings = await SharedStoreAsync();
        var keysOfA = Path.Combine(ProxyHost.CreateDirectory(), "dp");
        var keysOfB = Path.Combine(ProxyHost.CreateDirectory(), "dp");
        await using var a = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>(settings) { ["AuthProxy:Store:DataProtectionKeys"] = keysOfA }, time: clock);
        Directory.CreateDirectory(keysOfB);
        foreach (var file in Directory.GetFiles(keysOfA))
        {
            File.Copy(file, Path.Combine(keysOfB, Path.GetFileName(file)));
        }

        await using var b = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>(settings) { ["AuthProxy:Store:DataProtectionKeys"] = keysOfB }, time: clock);
        var current = Assert.Single(await PublishedAsync(b));
        // B makes no successor ahead of A: its maintenance, which the clock would wake, is stopped.
        await b.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().StopAsync(CancellationToken.None);

        // A's Data Protection keys are revoked (as after a leak): A makes a new one, in its own directory only.
        a.Services.GetRequiredService<IKeyManager>().RevokeAllKeys(TimeProvider.System.GetUtcNow(), "replaced");
        var protectorOfA = a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("probe");
        var protectorOfB = b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("probe");
        await ProxyHost.EventuallyAsync(() =>
        {
            try
            {
                protectorOfB.Unprotect(protectorOfA.Protect([1]));
                return Task.FromResult(false);
            }
            catch (CryptographicException)
            {
                return Task.FromResult(true);
            }
        }, "A protects with a Data Protection key B does not hold");
        clock.Advance(TimeSpan.FromMinutes(55));
        await GsqlTokenAsync(a, 60 * 1000);
        var successor = Assert.Single(await PublishedAsync(a), kid => kid != current);
        await ProxyHost.EventuallyAsync(() => Task.FromResult(b.Logs.GetSnapshot().Any(r =>
            r.Level == LogLevel.Error && r.Message.StartsWith($"Signing key {successor} cannot be decrypted with this instance's Data Protection keys", StringComparison.Ordinal))),
            "B says it cannot decrypt A's successor key");

        clock.Advance(TimeSpan.FromMinutes(6));
        var signedByA = await GsqlTokenAsync(a, 60 * 1000);
        Assert.Equal(successor, new JsonWebToken(signedByA).Kid);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(b, signedByA));

        using var refused = await b.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" })
            .WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.Contains(b.Logs.GetSnapshot(), r => r.Exception?.Message ==
            "No signing key of this instance can sign: the store's current key cannot be decrypted with its Data Protection keys.");
        var published = await PublishedAsync(b);
        Assert.Contains(successor, published);
        Assert.Subset(new HashSet<string> { current, successor }, published.ToHashSet()); // no key of B's own
    }
}
