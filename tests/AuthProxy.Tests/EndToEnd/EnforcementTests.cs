using System.Net;
using System.Text.Json.Nodes;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>The proxy in front of the real sample backend: what is let through, what is refused, and how.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EnforcementTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    private HttpClient Client => _proxy.Client;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Allows_ValidToken_AndForwardsIdentity()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using var response = await Client.SendAsync(Http.Get("/restpp/query/social/friends?limit=3", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.EchoAsync();
        Assert.Equal("/restpp/query/social/friends", echo.GetProperty("path").GetString());
        Assert.Equal("?limit=3", echo.GetProperty("query").GetString());
        var headers = echo.GetProperty("headers");
        Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());
        Assert.Equal("social", headers.GetProperty("X-AuthProxy-Graph").GetString());
        Assert.Equal("Bearer", headers.GetProperty("X-AuthProxy-Auth-Scheme").GetString());
        Assert.False(headers.TryGetProperty("Authorization", out _), "the client's token must not reach the backend");
    }

    /// <summary>
    /// The decision lives in the request's authentication feature, which the server gives every
    /// request afresh: on one kept-alive connection, an allowed request (remembered token or Basic)
    /// leaves no caller, graph or identity to the next one.
    /// </summary>
    [Fact]
    public async Task OneConnection_CarriesNoDecisionIntoItsNextRequest()
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = _proxy.BaseAddress };
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        for (var i = 0; i < 3; i++)
        {
            foreach (var allowed in new[] { Http.Get("/restpp/query/social/q", token), Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword) })
            {
                using (var response = await client.SendAsync(allowed))
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    Assert.Equal("kevin", (await response.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
                }

                using (var anonymous = await client.SendAsync(Http.Get("/restpp/echo/next")))
                {
                    Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
                    var headers = (await anonymous.EchoAsync()).GetProperty("headers");
                    Assert.False(headers.TryGetProperty("X-AuthProxy-User", out _), "an anonymous request names no user");
                    Assert.False(headers.TryGetProperty("X-AuthProxy-Graph", out _));
                    Assert.False(headers.TryGetProperty("X-AuthProxy-Auth-Scheme", out _));
                }

                // A request with no credential on a guarded route is challenged, not let through as the last caller.
                using var bare = await client.SendAsync(Http.Get("/restpp/query/social/q"));
                Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
            }
        }
    }

    [Fact]
    public async Task Allows_GlobalToken_OnAnyGraphTheUserHas()
    {
        var token = TestTokens.Rs256(TestTokens.Claims("tigergraph"));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Security:JWT:RSA:PublicKey"] = TestTokens.RsaPublicPem });

        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/graph/finance/vertices/account", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("finance", (await response.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-Graph").GetString());
    }

    [Theory]
    [InlineData("X-AuthProxy-User")]
    [InlineData("x-authproxy-user")]
    [InlineData("X_AuthProxy_User")]
    [InlineData("X-AUTHPROXY_GRAPH")]
    [InlineData("x_authproxy-auth-scheme")]
    [InlineData("X-AuthProxy-Anything")]
    public async Task Removes_ClientIdentityHeaders_InAnySpelling(string name)
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var request = Http.Get("/restpp/query/social/q", token);
        request.Headers.TryAddWithoutValidation(name, "tigergraph");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        foreach (var header in headers.EnumerateObject())
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase) && !string.Equals(header.Name, "X-AuthProxy-User", StringComparison.Ordinal))
            {
                Assert.Fail($"client header {name} reached the backend");
            }
        }

        Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());
    }

    [Fact]
    public async Task Anonymous_Route_PassesWithoutCredentials_ButNeverForwardsForgedIdentity()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/restpp/echo/anything");
        request.Headers.TryAddWithoutValidation("X-AuthProxy-User", "tigergraph");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer whatever-the-client-sent");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        Assert.False(headers.TryGetProperty("X-AuthProxy-User", out _));
        Assert.False(headers.TryGetProperty("Authorization", out _));
    }

    [Fact]
    public async Task RouteWithoutPolicy_UsesDefault_AnyValidCredential()
    {
        using var refused = await Client.SendAsync(Http.Get("/restpp/version"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var allowed = await Client.SendAsync(Http.Get("/restpp/version").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task ForwardAuthorization_KeepsTheClientHeader()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin"));
        // Checked, checked again and remembered, then decided as a remembered token: every time kept.
        for (var i = 0; i < 3; i++)
        {
            using var response = await Client.SendAsync(Http.Get("/restpp/keep", token));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Bearer " + token, (await response.EchoAsync()).GetProperty("headers").GetProperty("Authorization").GetString());
        }
    }

    /// <summary>
    /// A user name of printable ASCII reaches the backend as it is, '@', quotes and brackets included:
    /// only what is unsafe in a header (non-ASCII, control characters, '%') is percent-encoded.
    /// </summary>
    [Fact]
    public async Task UserNames_OfPrintableAscii_AreForwardedUnchanged()
    {
        const string Name = "ann.o'lee@corp.example(ops)!";
        var users = $$"""{ "Users": { "{{Name}}": { "Graphs": { "social": [ "READ_DATA" ] } } } }""";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users);

        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims(Name, "social"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Name, (await response.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
    }

    [Fact]
    public async Task Missing_Token_Is401_WithTigerGraphWording()
    {
        using var response = await Client.SendAsync(Http.Get("/restpp/query/social/q"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            """{"version":{"edition":"enterprise","api":"v2","schema":0},"error":true,"message":"Access Denied because the input token = '' is empty or too short","code":"REST-10016","reason":"missing"}""",
            await response.Content.ReadAsStringAsync());
        Assert.Contains("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task Audience_Refusal_UsesTigerGraphWording()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Security:JWT:Audience"] = "c" });
        var claims = TestTokens.Claims("kevin", "social");
        claims["aud"] = new JsonArray("a", "b");
        var token = TestTokens.Hs256(claims);

        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' contains audience [a,b], which doesn't include the configured one c",
            body.GetProperty("message").GetString());
        Assert.Equal("audience", body.GetProperty("reason").GetString());
        Assert.Equal("REST-10016", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("error").GetBoolean());
    }

    public static TheoryData<string, string, int, string> RefusedTokens()
    {
        const string Query = "/restpp/query/social/q"; // graph-read: READ_DATA on the route's graph
        var now = TestTokens.Now;
        var data = new TheoryData<string, string, int, string>
        {
            { "format", "not-a-jwt-but-long-enough", 401, Query },
            { "format", TestTokens.Encode("{\"alg\":\"HS256\"}") + ".bm90IGpzb24." + TestTokens.Encode("sig"), 401, Query },
            { "verification", TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: "another-secret-that-is-also-long-enough-for-hs256") , 401, Query },
            { "verification", TestTokens.Sign(TestTokens.Parse("""{"alg":"none","typ":"JWT"}"""), TestTokens.Claims("kevin", "social")), 401, Query },
            { "expired", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = "social", ["iat"] = now - 7200, ["exp"] = now - 3600 }), 401, Query },
            { "not-yet-valid", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = "social", ["nbf"] = now + 3600, ["exp"] = now + 7200 }), 401, Query },
            { "unknown-user", TestTokens.Hs256(TestTokens.Claims("mallory", "social")), 401, Query },
            { "graph-scope", TestTokens.Hs256(TestTokens.Claims("kevin", "finance")), 403, Query },
            // graph-write: kevin holds READ_DATA on social, not WRITE_DATA.
            { "privilege", TestTokens.Hs256(TestTokens.Claims("kevin", "social")), 403, "/restpp/graph/social/vertices" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedTokens), DisableDiscoveryEnumeration = true)] // the tokens carry the time they are made: one test case, not one a row
    public async Task Refuses_EachKind_WithItsReasonAndStatus(string reason, string token, int status, string path)
    {
        using var response = await Client.SendAsync(Http.Get(path, token));

        Assert.Equal(status, (int)response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(reason, body.GetProperty("reason").GetString());
        Assert.DoesNotContain(token, body.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Privilege_Missing_Is403()
    {
        // kevin holds READ_DATA on social but not WRITE_DATA.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using var response = await Client.SendAsync(Http.Get("/restpp/graph/social/vertices", token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("privilege", body.GetProperty("reason").GetString());
        Assert.Equal("Access Denied because user kevin lacks WRITE_DATA on graph social", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Privilege_Missing_OnARouteWithoutAGraph_NamesNoGraph()
    {
        // The management route names no graph: it is decided on global grants, and the refusal says so.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using var response = await Client.SendAsync(Http.Get("/management/v1/anything", token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("privilege", body.GetProperty("reason").GetString());
        Assert.EndsWith("user kevin lacks MANAGE_ACCESS_TOKENS", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuer_Mismatch_IsRefused()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Security:JWT:Issuer"] = "TigerGraph" });
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = "tigergraph";
        using var wrong = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(claims)));
        claims["iss"] = "TigerGraph";
        using var right = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(claims)));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("issuer", (await wrong.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task GraphScope_WhenRequestNamesNoGraph_IsRefused()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin"));
        using var none = await Client.SendAsync(Http.Get("/restpp/builtins", token));
        using var two = await Client.SendAsync(Http.Get("/restpp/builtins?graph=social&Graph=finance", token));
        using var one = await Client.SendAsync(Http.Get("/restpp/builtins?graph=social", token));

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal("graph-scope", (await none.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, two.StatusCode);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
    }

    [Fact]
    public async Task Graph_FromHeader_IsChecked()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var social = Http.Get("/gsql/v1/schema", token);
        social.Headers.Add("GSQL-GRAPH", "social");
        var finance = Http.Get("/gsql/v1/schema", token);
        finance.Headers.Add("GSQL-GRAPH", "finance");

        using var allowed = await Client.SendAsync(social);
        using var refused = await Client.SendAsync(finance);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Access Denied because user kevin has no access to graph finance", (await refused.JsonAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Basic_UnknownUserAndWrongPassword_AreRefusedAlike()
    {
        using var unknown = await Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("nobody", "x"));
        using var wrong = await Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", "wrong"));
        using var right = await Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("Basic", (await right.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-Auth-Scheme").GetString());
    }

    [Fact]
    public async Task Basic_MalformedCredentials_AreAFormatRefusal()
    {
        var request = Http.Get("/restpp/query/social/q");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64!!!");
        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("format", (await response.JsonAsync()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Basic_OnBearerOnlyRoute_IsRefused()
    {
        using var response = await Client.SendAsync(Http.Get("/restpp/bearer").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("format", body.GetProperty("reason").GetString());
        Assert.Contains("does not accept", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task TwoAuthorizationHeaders_AreRefused()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/query/social/q",
            $"Authorization: Bearer {token}\r\nAuthorization: Basic a2V2aW46eA==\r\n");

        Assert.Equal(401, status);
        Assert.Contains("\"reason\":\"format\"", body, StringComparison.Ordinal);
        Assert.Contains("more than one Authorization header", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProblemStyle_Route_AnswersRfc7807()
    {
        using var response = await Client.SendAsync(Http.Get("/management/v1/cluster/state"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            """{"title":"Unauthorized","status":401,"detail":"Access Denied because the input token = '' is empty or too short","code":"REST-10016","reason":"missing"}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProblemStyle_Forbidden_Is403Problem()
    {
        using var response = await Client.SendAsync(Http.Get("/management/v1/cluster/state").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(403, body.GetProperty("status").GetInt32());
        Assert.Equal("Forbidden", body.GetProperty("title").GetString());
        Assert.Equal("privilege", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task NoRoute_Is404_InTheDocumentedBody()
    {
        using var response = await Client.SendAsync(Http.Get("/nowhere/at/all"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("REST-1000", body.GetProperty("code").GetString());
        Assert.Equal("no-route", body.GetProperty("reason").GetString());
        Assert.Equal("Endpoint is not found from url = /nowhere/at/all", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405_InTheDocumentedBody()
    {
        using var response = await Client.SendAsync(Http.Get("/restpp/post").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method-not-allowed", (await response.JsonAsync()).GetProperty("reason").GetString());
    }
}
