using System.Net;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Text a client sends that no store can hold (U+0000, which PostgreSQL's text refuses; a lone
/// surrogate, which has no UTF-8 encoding) gets the same clear answer with either store engine, at
/// every door that would hand it to the store: a user name at a password door is a wrong login
/// (it once answered 500 with PostgreSQL, from the shared throttling budgets), a graph, secret value,
/// user to revoke or token name is a 400, and a mask never cuts a character in two.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StoreTextTests(BackendProcess backend)
{
    private const string Kevin = "kevin";

    private async Task<ProxyHost> StartAsync(string engine)
    {
        var settings = new Dictionary<string, string>();
        if (engine == "PostgreSQL")
        {
            settings["AuthProxy:Store:Provider"] = "PostgreSQL";
            settings["AuthProxy:Store:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }

        return await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static void NoErrorLogged(ProxyHost proxy) => Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task UserNameNoUserCanHave_IsAWrongLogin_AtEveryPasswordDoor(string engine)
    {
        await using var proxy = await StartAsync(engine);

        var basic = await SendAsync(proxy, Http.Get("/restpp/query/social/q").WithBasic("kev\0in", "x"));
        var basicNul = await SendAsync(proxy, Http.Get("/restpp/query/social/q").WithBasic("\0", TestUsers.KevinPassword));
        var gsql = await SendAsync(proxy, Json(HttpMethod.Post, "/gsql/v1/tokens", "{}").WithBasic("kevin\0", TestUsers.KevinPassword));
        var login = await SendAsync(proxy, Json(HttpMethod.Post, "/management/v1/authentication/login", """{"username":"kev\u0000in","password":"x"}"""));

        foreach (var (status, body) in new[] { basic, basicNul, gsql })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("Access Denied because the user name or password is incorrect", body.GetProperty("message").GetString());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
        Assert.Equal("Access Denied because the user name or password is incorrect", login.Body.GetProperty("detail").GetString());
        NoErrorLogged(proxy);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task TextNoStoreHolds_IsA400_AtTheTokenServices(string engine)
    {
        await using var proxy = await StartAsync(engine);

        var graph = await SendAsync(proxy, Json(HttpMethod.Post, "/gsql/v1/tokens", """{"graph":"soc\u0000ial"}""").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        var longGraph = await SendAsync(proxy, Json(HttpMethod.Post, "/gsql/v1/tokens", $$"""{"graph":"{{new string('g', 129)}}"}""").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        var secret = await SendAsync(proxy, Json(HttpMethod.Post, "/gsql/v1/secrets?alias=nul&value=" + Uri.EscapeDataString("\0" + new string('v', 20)), "").WithBasic(Kevin, TestUsers.KevinPassword));
        var drop = await SendAsync(proxy, Json(HttpMethod.Delete, "/gsql/v1/secrets", """{"secrets":["a\u0000b"]}""").WithBasic(Kevin, TestUsers.KevinPassword));
        var revoke = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kev%00in").WithBasic("tigergraph", TestUsers.TigerGraphPassword));

        Assert.Equal(HttpStatusCode.BadRequest, graph.Status);
        Assert.Equal("graph soc?ial is not a graph name (1 to 128 characters with no spaces, ':', '*' or control characters)", graph.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, longGraph.Status);
        Assert.Equal(HttpStatusCode.BadRequest, secret.Status);
        Assert.Equal("a secret value must be 16 to 256 characters, with no control characters", secret.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, drop.Status);
        Assert.Equal("The request holds text that AuthProxy neither stores nor looks up: a NUL character or a lone surrogate", drop.Body.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, revoke.Status);
        Assert.Equal("invalid-request", revoke.Body.GetProperty("reason").GetString());
        NoErrorLogged(proxy);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task PersonalTokenTextNoStoreHolds_IsABadRequest_NotAnInternalError(string engine)
    {
        await using var proxy = await StartAsync(engine);
        string[] documents =
        [
            """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "ci\u0000"}) { accessToken } }""",
            """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "ci", description: "\ud800"}) { accessToken } }""",
            """mutation { revokeAccessToken(tokenId: "a\u0000b") }""",
            """query { listAccessTokens(input: {start: 0, count: 5, filters: [{field: "ownerUrn", value: "urn:li:corpuser:kevin\udc00"}]}) { total } }""",
        ];

        foreach (var document in documents)
        {
            var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = document }).WithBasic("tigergraph", TestUsers.TigerGraphPassword));

            Assert.True(status == HttpStatusCode.OK, document);
            var error = body.GetProperty("errors")[0];
            Assert.Equal("The request holds text that AuthProxy neither stores nor looks up: a NUL character or a lone surrogate.", error.GetProperty("message").GetString());
            Assert.Equal("BAD_REQUEST", error.GetProperty("extensions").GetProperty("code").GetString());
        }

        // Nothing was issued or recorded.
        var (_, list) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new
        {
            query = """query { listAccessTokens(input: {start: 0, count: 5, filters: [{field: "actorUrn", value: "urn:li:corpuser:kevin"}]}) { total } }""",
        }).WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(0, list.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32());
        NoErrorLogged(proxy);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSQL")]
    public async Task Masks_NeverCutACharacterInTwo(string engine)
    {
        await using var proxy = await StartAsync(engine);
        // The third character and the third from the end are halves of surrogate pairs.
        const string Value = "ab\U0001F600cccccccccccc\U0001F600yz";

        var created = await SendAsync(proxy, Json(HttpMethod.Post, "/gsql/v1/secrets?alias=emoji&value=" + Uri.EscapeDataString(Value), "").WithBasic(Kevin, TestUsers.KevinPassword));
        var listed = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Get, "/gsql/v1/secrets/emoji").WithBasic(Kevin, TestUsers.KevinPassword));
        var revoked = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete,
            "/management/v1/authentication/jwt/" + Uri.EscapeDataString("a\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600")).WithBasic(Kevin, TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("ab\U0001F600****\U0001F600yz", listed.Body.GetProperty("results").GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, revoked.Status);
        var detail = revoked.Body.GetProperty("detail").GetString()!;
        Assert.Contains("'a\U0001F600\U0001F600****\U0001F600\U0001F600'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', detail);
        NoErrorLogged(proxy);
    }
}
