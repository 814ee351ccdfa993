using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The GSQL token service's refusals say why, name the right token, and cost only what they
/// should: dropping (own tokens only, expired ones skipped, the cap freed as blocked tokens
/// expire), clearing and minting with a graph-scoped token, the per-user token cap, and the token
/// check (what it answers for AuthProxy's own tokens, valid, expired or revoked, and that a good
/// answer or a good secret spends no throttling budget).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GsqlTokenRefusalTests(BackendProcess backend)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static async Task<string> TokenAsync(ProxyHost proxy, object body, string user = "kevin", string password = TestUsers.KevinPassword)
    {
        var (status, json) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", body).WithBasic(user, password));
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("token").GetString()!;
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> DropAsync(ProxyHost proxy, params string[] tokens) =>
        SendAsync(proxy, Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens }).WithBasic("kevin", TestUsers.KevinPassword));

    private static async Task<HttpStatusCode> UseAsync(ProxyHost proxy, string token) =>
        (await SendAsync(proxy, Http.Get("/restpp/query/social/q", token))).Status;

    private static Task<(HttpStatusCode Status, JsonElement Body)> CheckAsync(ProxyHost proxy, string token) =>
        SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token }));

    [Fact]
    public async Task Dropping_AnotherUsersOrABrokenToken_NamesWhichAndWhy_AndDropsNothing()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var mine = await TokenAsync(proxy, new { });
        var tigers = await TokenAsync(proxy, new { }, "tigergraph", TestUsers.TigerGraphPassword);

        var (otherStatus, other) = await DropAsync(proxy, mine, tigers);
        var (brokenStatus, broken) = await DropAsync(proxy, mine, "not-a-token");

        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        Assert.Equal("privilege", other.GetProperty("reason").GetString());
        var message = other.GetProperty("message").GetString()!;
        Assert.StartsWith("Access Denied because token 2 (", message, StringComparison.Ordinal);
        Assert.EndsWith(") belongs to another user; only your own tokens can be dropped. Nothing was dropped", message, StringComparison.Ordinal);
        Assert.DoesNotContain(tigers, message, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, brokenStatus);
        Assert.Equal("invalid-request", broken.GetProperty("reason").GetString());
        Assert.StartsWith("token 2 cannot be dropped: ", broken.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(". Nothing was dropped.", broken.GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, mine));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, tigers));
    }

    [Fact]
    public async Task Dropping_SkipsExpiredTokens_AndTheCapFreesAsBlockedTokensExpire()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["GSQL:Token:DropLimit"] = "2" });
        var shortLived = new[] { await TokenAsync(proxy, new { lifetime = 60_000 }), await TokenAsync(proxy, new { lifetime = 60_000 }) };
        var (first, firstBody) = await DropAsync(proxy, shortLived);
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Contains("Drop 2 JWT token(s)", firstBody.GetProperty("message").GetString(), StringComparison.Ordinal);

        var longLived = await TokenAsync(proxy, new { });
        var (full, fullBody) = await DropAsync(proxy, longLived);
        Assert.Equal(HttpStatusCode.BadRequest, full);
        Assert.Equal("limit-exceeded", fullBody.GetProperty("reason").GetString());

        clock.Advance(TimeSpan.FromDays(1)); // the two blocked tokens expired long ago, past any clock skew
        var another = await TokenAsync(proxy, new { });
        var expired = await TokenAsync(proxy, new { lifetime = 60_000 });
        clock.Advance(TimeSpan.FromHours(1));

        var (again, againBody) = await DropAsync(proxy, shortLived[0], longLived, expired, another);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Contains("Drop 2 JWT token(s)", againBody.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, longLived));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, another));
    }

    [Fact]
    public async Task AGraphScopedToken_IsToldWhyItCannotMintOrClear()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var scoped = await TokenAsync(proxy, new { graph = "social" });

        var (mintStatus, mint) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(scoped));
        var (clearStatus, clear) = await SendAsync(proxy, Http.Json(HttpMethod.Delete, "/gsql/v1/tokens?clear=true", "").WithBearer(scoped));

        Assert.Equal(HttpStatusCode.Forbidden, mintStatus);
        Assert.EndsWith("' is scoped to graph social; a token scoped to a graph cannot create tokens", mint.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, clearStatus);
        Assert.EndsWith("' is scoped to graph social; a token scoped to a graph cannot clear the block list", clear.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(scoped, mint.GetRawText() + clear.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCap_SaysWhoHoldsHowMany_AndWhichSetting()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:TokensPerUser"] = "1" });
        await TokenAsync(proxy, new { });

        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("limit-exceeded", body.GetProperty("reason").GetString());
        Assert.Equal("user kevin already holds 1 live tokens (AuthProxy:Limits:TokensPerUser); none was created: drop some or wait for them to expire",
            body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task TheTokenCheck_OfOwnTokens_SaysExpiredOrRevoked_AndAnythingElseIsNotOurs()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock);
        var expiring = await TokenAsync(proxy, new { lifetime = 60_000 });
        var revoked = await TokenAsync(proxy, new { });
        var (revokedStatus, _) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + revoked)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(HttpStatusCode.OK, revokedStatus);
        clock.Advance(TimeSpan.FromDays(1));

        var (_, expiredAnswer) = await CheckAsync(proxy, expiring);
        var (_, revokedAnswer) = await CheckAsync(proxy, revoked);
        var (_, foreign) = await CheckAsync(proxy, TestTokens.Hs256(TestTokens.Claims("kevin")));

        Assert.True(expiredAnswer.GetProperty("error").GetBoolean());
        Assert.Equal("expired", expiredAnswer.GetProperty("reason").GetString());
        Assert.True(revokedAnswer.GetProperty("error").GetBoolean());
        Assert.Equal("revoked", revokedAnswer.GetProperty("reason").GetString());
        Assert.EndsWith("' has been revoked", revokedAnswer.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(foreign.GetProperty("error").GetBoolean());
        Assert.Equal("Access Denied because the token is not a valid token issued by this AuthProxy", foreign.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AGoodTokenCheck_OrAGoodSecret_SpendsNoAddressBudget()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Throttling:AddressFailures"] = "3" });
        var token = await TokenAsync(proxy, new { graph = "social" });
        var (_, created) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=s").WithBasic("kevin", TestUsers.KevinPassword));
        var secret = created.GetProperty("results").GetProperty("value").GetString()!;

        var checks = new List<bool>();
        var mints = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var (_, answer) = await CheckAsync(proxy, token);
            checks.Add(answer.GetProperty("error").GetBoolean());
            mints.Add((await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }))).Status);
        }

        Assert.Equal(Enumerable.Repeat(false, 5), checks);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), mints);
    }
}
