using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Who may revoke whose GridGain tokens: the owner, or MANAGE_ACCESS_TOKENS held globally (a token
/// scoped to a graph carries none); an expired token needs no revocation; every refusal says why.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GridGainRevokePermissionTests(BackendProcess backend)
{
    private static async Task<string> LoginAsync(ProxyHost proxy, string user = "kevin", string password = TestUsers.KevinPassword)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = user, password }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static async Task<HttpStatusCode> UseAsync(ProxyHost proxy, string token) => (await SendAsync(proxy, Http.Get("/restpp/query/social/q", token))).Status;

    [Fact]
    public async Task AManagersGraphScopedToken_CannotRevokeOthersTokens_AndTheRefusalSaysWhatIsMissing()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var kevins = await LoginAsync(proxy);
        var (_, minted) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        var scoped = System.Text.Json.JsonDocument.Parse(minted).RootElement.GetProperty("token").GetString()!;

        var (oneStatus, one) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + kevins).WithBearer(scoped));
        var (allStatus, all) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin").WithBearer(scoped));

        Assert.Equal(HttpStatusCode.Forbidden, oneStatus);
        Assert.Contains("user tigergraph lacks MANAGE_ACCESS_TOKENS, needed to revoke a token of user kevin", one, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, allStatus);
        Assert.Contains("user tigergraph lacks MANAGE_ACCESS_TOKENS, needed to revoke the tokens of user kevin", all, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, kevins));

        // The same manager with a password may.
        var (byPassword, _) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + kevins)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(HttpStatusCode.OK, byPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, kevins));
    }

    [Fact]
    public async Task AnExpiredToken_NeedsNoRevocation_ABrokenOneIsRefusedSayingWhy()
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock);
        var expired = await LoginAsync(proxy);
        clock.Advance(TimeSpan.FromDays(1));

        var (expiredStatus, _) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + expired)
            .WithBasic("kevin", TestUsers.KevinPassword));
        var (brokenStatus, broken) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/not.a.token-at-all")
            .WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.OK, expiredStatus);
        Assert.Equal(HttpStatusCode.BadRequest, brokenStatus);
        Assert.Contains("the token cannot be revoked: ", broken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenCap_RefusesALogin_SayingWhoAndWhichSetting()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Limits:TokensPerUser"] = "1" });
        await LoginAsync(proxy);

        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("user kevin already holds 1 live tokens (AuthProxy:Limits:TokensPerUser); log in again once some have expired or were revoked", body, StringComparison.Ordinal);
    }
}
