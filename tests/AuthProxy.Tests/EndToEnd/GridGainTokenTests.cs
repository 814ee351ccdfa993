using System.Net;
using System.Net.Http.Headers;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>GridGain 9's login and revocation, and their effect on proxied routes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class GridGainTokenTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    private HttpClient Client => _proxy.Client;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
        settings: new Dictionary<string, string> { ["Security:JWT:Ttl"] = "120000", ["AuthProxy:Throttling:AccountFailures"] = "3" });

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private async Task<string> LoginAsync(string user = "kevin", string password = TestUsers.KevinPassword)
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = user, password }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpStatusCode> UseAsync(string token)
    {
        using var response = await Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task Login_AnswersApplicationJwt_ByDefault()
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        var token = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwt", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(3, token.Split('.').Length);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token));
    }

    [Fact]
    public async Task Login_AnswersJson_WhenAsked_WithTheConfiguredTtl()
    {
        var request = Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword });
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Client.SendAsync(request);
        var body = await response.JsonAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(120, body.GetProperty("expiresIn").GetInt64());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(body.GetProperty("token").GetString()!));
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownUser_AreTheSameProblem()
    {
        using var wrong = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "tigergraph", password = "nope" }));
        using var unknown = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "ghost", password = "nope" }));
        using var malformed = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin" }));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(400, (await malformed.JsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RevokeUser_StopsEveryTokenOfTheUser_AtOnce_NewLoginsWork()
    {
        var first = await LoginAsync();
        var second = await LoginAsync();
        var gsql = (await (await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" })
            .WithBasic("kevin", TestUsers.KevinPassword))).JsonAsync()).GetProperty("token").GetString()!;
        var other = await LoginAsync("tigergraph", TestUsers.TigerGraphPassword);

        using var revoke = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin").WithBearer(first));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(first));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(second));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(gsql));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(other));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(await LoginAsync()));
    }

    [Fact]
    public async Task RevokeUser_OfAnotherUser_NeedsManageAccessTokens()
    {
        var tigers = await LoginAsync("tigergraph", TestUsers.TigerGraphPassword);
        var kevins = await LoginAsync();

        using var kevinTries = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=tigergraph").WithBearer(kevins));
        Assert.Equal(HttpStatusCode.Forbidden, kevinTries.StatusCode);
        Assert.Equal("privilege", (await kevinTries.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(tigers));

        using var adminDoes = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(HttpStatusCode.OK, adminDoes.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(kevins));
    }

    [Fact]
    public async Task RevokeOneToken_TakesEffectOnProxiedRoutes()
    {
        var doomed = await LoginAsync();
        var spared = await LoginAsync();

        using var revoke = await Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{doomed}").WithBearer(spared));
        using var refused = await Client.SendAsync(Http.Get("/restpp/query/social/q", doomed));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("revoked", (await refused.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(spared));

        // A third-party token can be revoked too, by its owner.
        var thirdParty = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using var third = await Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{thirdParty}").WithBearer(spared));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(thirdParty));
    }

    [Fact]
    public async Task RevokeOneToken_OfAnotherUser_IsRefused_GarbageIsABadRequest()
    {
        var tigers = await LoginAsync("tigergraph", TestUsers.TigerGraphPassword);
        var kevins = await LoginAsync();

        using var other = await Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{tigers}").WithBearer(kevins));
        using var garbage = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt/not.a.token-at-all").WithBearer(kevins));

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(tigers));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task RepeatedFailures_AreThrottledPerAccount_NotForOtherAccounts()
    {
        for (var i = 0; i < 3; i++)
        {
            using var failed = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = "guess" + i }));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        using var basic = await Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword));
        using var otherAccount = await Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "tigergraph", password = TestUsers.TigerGraphPassword }));

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("throttled", (await throttled.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromMinutes(1), throttled.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, basic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
    }
}
