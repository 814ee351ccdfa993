using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Which of AuthProxy's own keys signs, and when: a key signs from its start until the instant it
/// retires (Security:JWT:KeyTtl later), its successor is published in the JWKS within the last
/// tenth of that time (an hour at most) before it signs, and a retired key keeps verifying its tokens.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SigningKeyRotationTests(BackendProcess backend)
{
    private static async Task<string> GsqlTokenAsync(ProxyHost proxy, long lifetimeMs = 24 * 3600 * 1000)
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

    private static string Kid(string token) => new JsonWebToken(token).Kid;

    private static Task RunMaintenanceAsync(ProxyHost proxy) =>
        proxy.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().RunOnceAsync(CancellationToken.None);

    [Theory]
    [InlineData("01:00:00", 6)] // a tenth of an hour
    [InlineData("20:00:00", 60)] // a tenth would be two hours: an hour at most
    public async Task TheSuccessor_IsPublishedWithinTheLastTenthOfTheKeysTime_ThenSignsFromTheInstantTheKeyRetires(string keyTtl, int leadMinutes)
    {
        var ttl = TimeSpan.Parse(keyTtl, System.Globalization.CultureInfo.InvariantCulture);
        var lead = TimeSpan.FromMinutes(leadMinutes);
        // On a whole millisecond, as the store records times: the successor starts exactly when the
        // stored key retires, and must still be made (a key does not cover the instant it retires).
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = keyTtl });

        // The key is made and published at start, before anything is signed.
        var initial = Assert.Single(await PublishedAsync(proxy));
        var first = await GsqlTokenAsync(proxy);
        Assert.Equal(initial, Kid(first));

        // A minute before the lead: still one key, and it signs.
        clock.Advance(ttl - lead - TimeSpan.FromMinutes(1));
        var before = await GsqlTokenAsync(proxy);
        Assert.Equal(Kid(first), Kid(before));
        Assert.Equal([Kid(first)], await PublishedAsync(proxy));

        // At the lead exactly: the current key signs, its successor is published.
        clock.Advance(TimeSpan.FromMinutes(1));
        var within = await GsqlTokenAsync(proxy);
        Assert.Equal(Kid(first), Kid(within));
        var published = await PublishedAsync(proxy);
        Assert.Equal(2, published.Length);
        var successor = Assert.Single(published, kid => kid != Kid(first));

        // Until the instant the key retires it signs; from that instant its successor does.
        clock.Advance(lead - TimeSpan.FromSeconds(1));
        Assert.Equal(Kid(first), Kid(await GsqlTokenAsync(proxy)));
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await GsqlTokenAsync(proxy);
        Assert.Equal(successor, Kid(after));
        Assert.Equal([Kid(first), successor], await PublishedAsync(proxy));

        foreach (var token in new[] { first, before, within, after })
        {
            Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, token));
        }
    }

    [Fact]
    public async Task ARetiredKey_VerifiesUntilItsLastTokenExpires_ThenMaintenanceDropsIt()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00", ["Security:JWT:ClockSkew"] = "00:01:00" });
        var longest = await GsqlTokenAsync(proxy, 2 * 3600 * 1000);
        await GsqlTokenAsync(proxy, 30 * 60 * 1000); // made later, expires sooner: the key still lives as long as the longest
        var key = Kid(longest);
        var lastExpiry = new DateTimeOffset(new JsonWebToken(longest).ValidTo, TimeSpan.Zero);

        // Retired, its last token live: maintenance keeps it, the token verifies.
        clock.Advance(TimeSpan.FromMinutes(61));
        await RunMaintenanceAsync(proxy);
        Assert.Contains(key, await PublishedAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, longest));

        // Within the clock skew past its last token's expiry: kept; at the end of the skew: dropped.
        clock.Advance(lastExpiry + TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(1) - clock.GetUtcNow());
        await RunMaintenanceAsync(proxy);
        Assert.Contains(key, await PublishedAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, longest));
        string Removed() => $"Signing key {key} removed: it no longer signs and its last token has expired";
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Message == Removed());
        clock.Advance(TimeSpan.FromSeconds(1));
        await RunMaintenanceAsync(proxy);
        Assert.DoesNotContain(key, await PublishedAsync(proxy));
        Assert.Single(proxy.Logs.GetSnapshot(), r => r.Message == Removed());
    }

    [Fact]
    public async Task ARetiredKeyWhoseTokensHaveExpired_IsGoneAtTheNextStart()
    {
        var directory = ProxyHost.CreateDirectory();
        var clock = ProxyHost.FakeClock();
        var settings = new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" };
        string old;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock, settings: settings, directory: directory, keepDirectory: true))
        {
            old = Kid(await GsqlTokenAsync(proxy, 10 * 60 * 1000));
        }

        clock.Advance(TimeSpan.FromHours(2));
        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock, settings: settings, directory: directory);

        var published = await PublishedAsync(restarted);
        Assert.NotEqual(old, Assert.Single(published));
        Assert.Equal(published[0], Kid(await GsqlTokenAsync(restarted)));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task TheJwks_IsWhatAnIndependentVerifierNeeds_ForEitherAlgorithm(string algorithm)
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Tokens:SigningAlgorithm"] = algorithm });
        var token = await GsqlTokenAsync(proxy);
        var jwks = await proxy.Client.GetStringAsync(".well-known/jwks.json");

        var key = Assert.Single(new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks).Keys);
        Assert.Equal(Kid(token), key.Kid);
        Assert.Equal(algorithm, key.Alg);
        Assert.Equal("sig", key.Use);
        Assert.Equal(algorithm == "ES256" ? "EC" : "RSA", key.Kty);
        if (algorithm == "ES256")
        {
            Assert.Equal("P-256", key.Crv);
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidAlgorithms = [algorithm],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task AnIdleInstance_WhoseKeyRetiresWithNoTokenLeft_DropsIt_AndStillPublishesAKey_AndStaysReady()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" });
        var first = Assert.Single(await PublishedAsync(proxy));
        Assert.Equal(first, Kid(await GsqlTokenAsync(proxy, 5 * 60 * 1000)));

        // No token is asked for again; at the instant the key retires maintenance drops it (its one token expired long ago).
        clock.Advance(TimeSpan.FromHours(1));
        await RunMaintenanceAsync(proxy);

        Assert.NotEqual(first, Assert.Single(await PublishedAsync(proxy)));
        using var ready = await proxy.Client.GetAsync("/readyz");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AKeyNoTokenAskedForAhead_IsReplacedAtTheInstantItRetires()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" });
        var first = await GsqlTokenAsync(proxy);

        clock.Advance(TimeSpan.FromHours(1));
        var next = await GsqlTokenAsync(proxy);

        Assert.NotEqual(Kid(first), Kid(next));
        Assert.Equal([Kid(first), Kid(next)], await PublishedAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, first));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, next));
    }
}
