using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Two instances of one PostgreSQL store, in this process, on one clock: each learns the keys the
/// other makes, and a retired key is kept while a token any instance signed with it lives, whichever
/// instance's maintenance runs first.
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

    private static Task RunMaintenanceAsync(ProxyHost proxy) =>
        proxy.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().RunOnceAsync(CancellationToken.None);

    [Fact]
    public async Task ARetiredKey_IsKeptWhileATokenAnotherInstanceSignedWithItLives()
    {
        var database = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var clock = ProxyHost.FakeClock();
        var settings = new Dictionary<string, string>
        {
            ["AuthProxy:Store:Provider"] = "PostgreSQL",
            ["AuthProxy:Store:ConnectionString"] = database,
            ["Security:JWT:KeyTtl"] = "01:00:00",
        };
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
        var lasting = await GsqlTokenAsync(a, 3 * 3600 * 1000);
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
    }
}
