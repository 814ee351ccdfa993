using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A policy's rules over the token's own claims (<c>Scopes</c>, <c>Claims</c>, <c>Audiences</c>)
/// and the claims it forwards in headers no client can forge (<c>ClaimHeaders</c>).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClaimRuleTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(LimitRoutes.Claims(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static string Token(Action<JsonObject> claims)
    {
        var payload = TestTokens.Claims("kevin");
        claims(payload);
        return TestTokens.Hs256(payload);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(string path, string token)
    {
        var response = await _proxy.Client.SendAsync(Http.Get(path, token));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    public static TheoryData<string, string> GrantingShapes => new()
    {
        { "scope", "\"read write\"" },
        { "scope", "\"openid read profile write\"" },
        { "scp", "\"read write\"" },
        { "scp", "[\"read\", \"write\"]" },
        { "scopes", "[\"write\", \"read\", \"other\"]" },
    };

    [Theory]
    [MemberData(nameof(GrantingShapes))]
    public async Task Scopes_AreReadFromEachShape(string claim, string json)
    {
        var (status, _, response) = await SendAsync("/scoped", Token(c => c[claim] = JsonNode.Parse(json)));
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Scopes_SplitAcrossClaims_Count_AndAMissingOneIsRefused403Scope()
    {
        var (status, _, response) = await SendAsync("/scoped", Token(c => { c["scp"] = "read"; c["scopes"] = new JsonArray("write"); }));
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);

        foreach (var token in new[]
        {
            Token(c => c["scope"] = "read"),
            Token(c => c["scp"] = new JsonArray("read", "writer")),
            Token(c => c["scope"] = "read,write"),
            Token(c => c["scopes"] = 7),
            Token(_ => { }),
        })
        {
            var (refused, body, r) = await SendAsync("/scoped", token);
            Assert.Equal(HttpStatusCode.Forbidden, refused);
            Assert.Equal("scope", body.GetProperty("reason").GetString());
            Assert.Equal("REST-10016", body.GetProperty("code").GetString());
            Assert.Contains("insufficient_scope", r.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            r.Dispose();
        }
    }

    [Fact]
    public async Task Scopes_RefuseBasicCallers_WhichCarryNone()
    {
        using var response = await _proxy.Client.SendAsync(Http.Get("/scoped").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("scope", (await response.JsonAsync()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Claims_StringEqualsOne_ArrayContainsOne_EveryRuleMustHold()
    {
        foreach (var token in new[]
        {
            Token(c => { c["tenant"] = "acme"; c["groups"] = new JsonArray("users", "admins"); }),
            Token(c => { c["tenant"] = new JsonArray("other", "globex"); c["groups"] = "admins"; }),
        })
        {
            var (status, _, r) = await SendAsync("/tenant", token);
            r.Dispose();
            Assert.Equal(HttpStatusCode.OK, status);
        }

        foreach (var token in new[]
        {
            Token(c => { c["tenant"] = "initech"; c["groups"] = "admins"; }),          // wrong value
            Token(c => { c["tenant"] = "ACME"; c["groups"] = "admins"; }),             // values are case-sensitive
            Token(c => c["tenant"] = "acme"),                                          // second rule missing
            Token(c => { c["tenant"] = new JsonArray("acme", 1); c["groups"] = "admins"; }), // not an array of strings
            Token(c => { c["tenant"] = new JsonObject { ["id"] = "acme" }; c["groups"] = "admins"; }),
            Token(c => { c["tenant"] = "acme"; c["groups"] = new JsonArray("users"); }),
        })
        {
            var (status, body, r) = await SendAsync("/tenant", token);
            r.Dispose();
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("claim", body.GetProperty("reason").GetString());
            Assert.Equal(403, body.GetProperty("status").GetInt32()); // the route's Problem style
        }
    }

    [Fact]
    public async Task Audiences_BindATokenToItsRoute_AndATokenMintedForAnotherRouteIsRefused401()
    {
        var forB = Token(c => c["aud"] = "service-b");
        var (okStatus, _, ok) = await SendAsync("/service-b", forB);
        ok.Dispose();
        Assert.Equal(HttpStatusCode.OK, okStatus);

        var (status, body, refused) = await SendAsync("/service-a", forB);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("audience", body.GetProperty("reason").GetString());
        Assert.Contains("contains audience [service-b], which doesn't include the configured one service-a", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        refused.Dispose();

        var both = Token(c => c["aud"] = new JsonArray("service-b", "service-a"));
        foreach (var path in new[] { "/service-a", "/service-b" })
        {
            var (s, _, r) = await SendAsync(path, both);
            r.Dispose();
            Assert.Equal(HttpStatusCode.OK, s);
        }

        var (none, noneBody, n) = await SendAsync("/service-a", Token(_ => { }));
        n.Dispose();
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal("audience", noneBody.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AuthProxysOwnTokens_CarryNoProviderClaims_SoRulesOverClaimsRefuseThem_SayingWhy()
    {
        // The payload of AuthProxy's own token is its own (sub, graph, jti, anc): none of it is a provider's claim.
        using var created = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var own = (await created.JsonAsync()).GetProperty("token").GetString()!;

        foreach (var (path, status, reason, what) in new[]
                 { ("/scoped", HttpStatusCode.Forbidden, "scope", "scopes"), ("/service-a", HttpStatusCode.Unauthorized, "audience", "an audience") })
        {
            var (refused, body, r) = await SendAsync(path, own);
            r.Dispose();
            Assert.Equal(status, refused);
            Assert.Equal(reason, body.GetProperty("reason").GetString());
            Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(own)}' is issued by AuthProxy and carries no {what} from an identity provider, which this route requires",
                body.GetProperty("message").GetString());
        }
    }

    /// <summary>The name as written, in lower and upper case, with '_' or '.' for '-', and mixed.</summary>
    private static IEnumerable<string> Spellings(string name) =>
        [name, name.ToLowerInvariant(), name.ToUpperInvariant(), name.Replace('-', '_'), name.ToUpperInvariant().Replace('-', '_'), name.Replace('-', '.'),
         "x-AuthProxy_claim.TENANT"];

    [Fact]
    public async Task ClaimHeaders_ArriveAtTheBackend_AndForgedCopiesInEverySpellingNever()
    {
        var token = Token(c => { c["tenant"] = "acme"; c["groups"] = new JsonArray("admins", "a,b", "ünï", "ops@corp (eu)"); });
        using var request = Http.Get("/claims-out", token);
        foreach (var spelling in Spellings("X-AuthProxy-Claim-Tenant").Concat(Spellings("X-AuthProxy-Claim-Groups")).Distinct(StringComparer.Ordinal))
        {
            Assert.True(request.Headers.TryAddWithoutValidation(spelling, "forged"), spelling);
        }

        using var response = await _proxy.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        Assert.Equal("acme", headers.GetProperty("X-AuthProxy-Claim-Tenant").GetString());
        // Printable ASCII stays as it is, but for the comma that separates the items.
        Assert.Equal("admins,a%2Cb,%C3%BCn%C3%AF,ops@corp (eu)", headers.GetProperty("X-AuthProxy-Claim-Groups").GetString());
        foreach (var header in headers.EnumerateObject())
        {
            Assert.DoesNotContain("forged", header.Value.GetString()!, StringComparison.Ordinal);
        }

        // A token without the claims: no header at all, the forged ones still stripped.
        using var bare = Http.Get("/claims-out", Token(_ => { }));
        bare.Headers.TryAddWithoutValidation("X_AuthProxy_Claim_Tenant", "forged");
        using var bareResponse = await _proxy.Client.SendAsync(bare);
        var bareHeaders = (await bareResponse.EchoAsync()).GetProperty("headers");
        Assert.DoesNotContain(bareHeaders.EnumerateObject(), h => h.Name.Contains("claim", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ClaimHeaders_NeverCarryControlCharacters_AndRefuseValuesNoHeaderMayCarry()
    {
        var (status, _, response) = await SendAsync("/claims-out", Token(c => c["tenant"] = "acme\r\nX-AuthProxy-User: root\u0000"));
        Assert.Equal(HttpStatusCode.OK, status);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        response.Dispose();
        Assert.Equal("acme%0D%0AX-AuthProxy-User%3A%20root%00", headers.GetProperty("X-AuthProxy-Claim-Tenant").GetString());
        Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());

        foreach (var token in new[]
        {
            Token(c => c["tenant"] = new JsonObject { ["id"] = "acme" }),
            Token(c => c["tenant"] = 42),
            Token(c => c["groups"] = new JsonArray([.. Enumerable.Range(0, 17).Select(i => (JsonNode)$"g{i}")])),
            Token(c => c["tenant"] = new string('a', 1025)),
        })
        {
            var (refused, body, r) = await SendAsync("/claims-out", token);
            r.Dispose();
            Assert.Equal(HttpStatusCode.Forbidden, refused);
            Assert.Equal("claim", body.GetProperty("reason").GetString());
        }
    }
}
