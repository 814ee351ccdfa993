using System.Net;
using System.Text.Json.Nodes;
using AuthProxy.Authentication;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A token that passed every check is remembered by its exact text (<see cref="VerifiedTokenCache"/>);
/// nothing that would refuse it is skipped: the keys that verified it, its expiry, its user and
/// revocation are as binding on the tenth use as on the first.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class VerifiedTokenCacheTests(BackendProcess backend)
{
    private const string SecretA = "first-shared-secret-long-enough-for-hs256-0123456789";
    private const string SecretB = "second-shared-secret-long-enough-for-hs256-012345678";

    [Fact]
    public async Task ARememberedToken_IsRefused_OnceTheKeyThatVerifiedItIsGone()
    {
        var directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "secret.txt"), SecretA);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Security:JWT:HMAC:Secret"] = "@secret.txt" }, directory: directory);
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: SecretA);

        // The token's client keeps one connection, and sends nothing else on it: from its third
        // request on, the entry is found by the header string Kestrel hands over again.
        using var kept = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = proxy.BaseAddress };
        for (var i = 0; i < 3; i++)
        {
            using var ok = await kept.SendAsync(Http.Get("/restpp/query/social/q", token));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await ProxyHost.ReplaceFileAsync(Path.Combine(directory, "secret.txt"), SecretB);
        var rotated = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: SecretB);
        await ProxyHost.EventuallyAsync(async () => await StatusAsync(proxy, rotated) == HttpStatusCode.OK, "the new secret is in force");

        foreach (var client in new[] { kept, proxy.Client })
        {
            using var response = await client.SendAsync(Http.Get("/restpp/query/social/q", token));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("failed signature verification", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARememberedToken_ExpiresOnTime_AndItsUserAndRevocationAreCheckedOnEveryUse()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var shortLived = TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = "social", ["iat"] = now, ["exp"] = now + 120 });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, shortLived));
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, shortLived));
        time.Advance(TimeSpan.FromSeconds(21) + new AuthProxy.Configuration.JwtOptions().ClockSkew); // past exp and the default skew

        using var expired = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", shortLived));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("\"reason\":\"expired\"", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // One of AuthProxy's own tokens, used until remembered, then revoked: refused at the next use.
        using var login = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        var own = await login.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, own));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, own));
        using var revoke = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{own}").WithBearer(own));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var afterRevoke = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", own));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Contains("has been revoked", await afterRevoke.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenReusedOnItsConnection_IsCheckedInFullAgain_OnceRememberedForTheLongestATokenIsKept()
    {
        // The client's connection is kept alive, so from its third request on the entry is found by
        // the header string Kestrel hands over again: that look-up too ends at the entry's time.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var token = TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = "social", ["iat"] = now, ["exp"] = now + 3600 });
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        }

        var size = token.Length + VerifiedTokenCache.EntryOverhead;
        await AssertMetricsAsync(proxy, hits: 3, misses: 2, entries: 1, size: size);

        time.Advance(VerifiedTokenCache.MaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        await AssertMetricsAsync(proxy, hits: 4, misses: 2, entries: 1, size: size);

        time.Advance(TimeSpan.FromSeconds(2)); // the token lives on; the entry does not
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        await AssertMetricsAsync(proxy, hits: 5, misses: 3, entries: 1, size: size); // checked in full once, then remembered anew
    }

    [Fact]
    public async Task ARememberedThirdPartyToken_WithATokenId_IsRefusedOnceRevoked()
    {
        // A provider's jti is no key of AuthProxy's: the revocation is by the token's signing input, remembered or not.
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var claims = TestTokens.Claims("kevin", "social");
        claims["jti"] = Guid.NewGuid().ToString("N");
        var token = TestTokens.Hs256(claims);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        }

        await AssertMetricsAsync(proxy, hits: 1, misses: 2, entries: 1, size: token.Length + VerifiedTokenCache.EntryOverhead);
        using var revoke = await proxy.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + token)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("revoked", body.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' has been revoked", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ATokenCheckedOnlyToBeRevoked_IsNotRemembered_ForRequests()
    {
        // Checked for revocation a token not valid yet passes (it may be revoked in advance); for a request it does not.
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var early = TestTokens.Claims("kevin", "social");
        early["nbf"] = TestTokens.Now + 600;
        var notYetValid = TestTokens.Hs256(early);

        // Offered twice by another user to be dropped: checked for revocation, then refused as not theirs.
        for (var i = 0; i < 2; i++)
        {
            using var drop = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = notYetValid })
                .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
            Assert.Equal(HttpStatusCode.Forbidden, drop.StatusCode);
            Assert.Contains("belongs to another user", await drop.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", notYetValid));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("not-yet-valid", (await response.JsonAsync()).GetProperty("reason").GetString());
        }

        await AssertMetricsAsync(proxy, hits: 0, misses: 2, entries: 0, size: 0);
    }

    [Fact]
    public async Task ItsHitsMissesAndSize_AreInMetrics_AndATokenIsRememberedAtItsSecondCheck()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
        }

        // Checked in full twice (remembered at the second), then found three times; one look-up a request.
        await AssertMetricsAsync(proxy, hits: 3, misses: 2, entries: 1, size: token.Length + VerifiedTokenCache.EntryOverhead);

        // A token refused in full is never remembered, however often it comes.
        var stranger = TestTokens.Hs256(TestTokens.Claims("nobody", "social"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(proxy, stranger));
        }

        await AssertMetricsAsync(proxy, hits: 3, misses: 5, entries: 1, size: token.Length + VerifiedTokenCache.EntryOverhead);
    }

    [Fact]
    public async Task UsingARememberedToken_CostsNoInsertion_SoItPushesNoOtherTokenOut()
    {
        // A full cache makes room for a new entry by dropping old ones: a token found there must not ask for one.
        var tokens = Enumerable.Range(0, 10).Select(i =>
        {
            var claims = TestTokens.Claims("kevin", "social");
            claims["jti"] = $"full-{i}";
            return TestTokens.Hs256(claims);
        }).ToArray();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:VerifiedTokens"] = "10" });

        for (var round = 0; round < 2; round++)
        {
            foreach (var token in tokens)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
            }
        }

        await AssertMetricsAsync(proxy, hits: 0, misses: 20, entries: 10, size: tokens.Sum(t => t.Length + VerifiedTokenCache.EntryOverhead));
        for (var round = 0; round < 2; round++)
        {
            foreach (var token in tokens)
            {
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy, token));
            }
        }

        await AssertMetricsAsync(proxy, hits: 20, misses: 20, entries: 10, size: tokens.Sum(t => t.Length + VerifiedTokenCache.EntryOverhead));
    }

    [Fact]
    public async Task ItsBounds_AreSettings_AndZeroCharactersRemembersNothing()
    {
        var tokens = Enumerable.Range(0, 3).Select(i =>
        {
            var claims = TestTokens.Claims("kevin", "social");
            claims["jti"] = $"bound-{i}";
            return TestTokens.Hs256(claims);
        }).ToArray();

        await using (var one = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:VerifiedTokens"] = "1" }))
        {
            foreach (var token in tokens)
            {
                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(HttpStatusCode.OK, await StatusAsync(one, token));
                }
            }

            var (_, _, entries, _) = await ReadAsync(one);
            Assert.Equal(1, entries);
        }

        await using var none = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:VerifiedTokenCharacters"] = "0" });
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(none, tokens[0]));
        }

        await AssertMetricsAsync(none, hits: 0, misses: 4, entries: 0, size: 0);

        var refused = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:VerifiedTokenCharacters"] = "-1", ["AuthProxy:Limits:VerifiedTokens"] = "0" }));
        Assert.Contains(refused.Problems, p => p.Contains("VerifiedTokenCharacters", StringComparison.Ordinal));
        Assert.Contains(refused.Problems, p => p.Contains("VerifiedTokens", StringComparison.Ordinal) && !p.Contains("VerifiedTokenCharacters", StringComparison.Ordinal));
    }

    private static async Task AssertMetricsAsync(ProxyHost proxy, long hits, long misses, long entries, long size)
    {
        (long, long, long, long) read = default;
        try
        {
            await ProxyHost.EventuallyAsync(async () => (read = await ReadAsync(proxy)) == (hits, misses, entries, size), "the cache's metrics");
        }
        catch (Exception)
        {
            Assert.Equal((hits, misses, entries, size), read); // says which figure is off
            throw;
        }
    }

    /// <summary>
    /// The cache's instruments as this proxy's own meter reports them (other proxies in this test
    /// process have a meter of the same name, which /metrics of any of them may show).
    /// </summary>
    private static Task<(long Hits, long Misses, long Entries, long Size)> ReadAsync(ProxyHost proxy)
    {
        var meters = proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var lookups = new MetricCollector<long>(meters, "AuthProxy", "authproxy.verified_tokens.lookups");
        using var entries = new MetricCollector<long>(meters, "AuthProxy", "authproxy.verified_tokens.entries");
        using var size = new MetricCollector<long>(meters, "AuthProxy", "authproxy.verified_tokens.size");
        lookups.RecordObservableInstruments();
        entries.RecordObservableInstruments();
        size.RecordObservableInstruments();
        long Lookups(string result) => lookups.GetMeasurementSnapshot().LastOrDefault(m => Equals(m.Tags["result"], result))?.Value ?? -1;
        return Task.FromResult((Lookups("hit"), Lookups("miss"), entries.LastMeasurement?.Value ?? -1, size.LastMeasurement?.Value ?? -1));
    }

    private static async Task<HttpStatusCode> StatusAsync(ProxyHost proxy, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }
}
