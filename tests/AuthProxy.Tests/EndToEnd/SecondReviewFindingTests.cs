using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Instances found by the second review: tokens made with a token outliving that token's
/// revocation, the revocation list growing by revoke-and-mint, credentials echoed from a malformed
/// Authorization header, user names told apart by the token service or by hashing time, and JSON
/// documents taken for shared secrets.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SecondReviewFindingTests(BackendProcess backend)
{
    private const string Issuer = "https://idp.example";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static string CreatePat(string actor, string duration) =>
        $$"""mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:{{actor}}", duration: {{duration}}, name: "t"}) { accessToken metadata { id } } }""";

    private static async Task<(string Token, string Id)> PatAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        var (_, body) = await SendAsync(proxy, request);
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        var created = body.GetProperty("data").GetProperty("createAccessToken");
        return (created.GetProperty("accessToken").GetString()!, created.GetProperty("metadata").GetProperty("id").GetString()!);
    }

    private static async Task<string> GsqlWithAsync(ProxyHost proxy, string bearer)
    {
        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(bearer));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("token").GetString()!;
    }

    private static async Task<HttpStatusCode> UseAsync(ProxyHost proxy, string token) =>
        (await SendAsync(proxy, Http.Get("/restpp/query/social/q", token))).Status;

    [Fact]
    public async Task RevokingAToken_RefusesEveryTokenMadeWithIt_AtAnyDepth_AndAfterARestart()
    {
        var directory = ProxyHost.CreateDirectory();
        string child, grandchild, pat2;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory, keepDirectory: true))
        {
            var (parent, parentId) = await PatAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = CreatePat("kevin", "ONE_WEEK") })
                .WithBasic("kevin", TestUsers.KevinPassword));
            child = await GsqlWithAsync(proxy, parent);
            grandchild = await GsqlWithAsync(proxy, child);
            (pat2, _) = await PatAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = CreatePat("kevin", "ONE_DAY") }).WithBearer(parent));
            Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, grandchild));

            var (_, revoked) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql",
                new { query = "mutation($id: String!) { revokeAccessToken(tokenId: $id) }", variables = new { id = parentId } })
                .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
            Assert.True(revoked.GetProperty("data").GetProperty("revokeAccessToken").GetBoolean());

            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, child));
            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, grandchild));
            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, pat2));
        }

        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(restarted, grandchild));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(restarted, pat2));
    }

    [Fact]
    public async Task BlockingOrRevokingAThirdPartyToken_RefusesTheTokensMadeWithIt()
    {
        using var idp = TestKey.Rsa("idp-1");
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Providers:idp:Issuer"] = Issuer,
            ["Security:JWT:Providers:idp:Keys:0"] = idp.PublicPem(),
        });
        string ThirdParty()
        {
            var claims = TestTokens.Claims("kevin");
            claims["iss"] = Issuer;
            claims["jti"] = Guid.NewGuid().ToString("N");
            return idp.Sign(claims);
        }

        var blockedParent = ThirdParty();
        var blockedChild = await GsqlWithAsync(proxy, blockedParent);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = blockedParent })
            .WithBasic("kevin", TestUsers.KevinPassword))).Status);

        var revokedParent = ThirdParty();
        var revokedChild = await GsqlWithAsync(proxy, revokedParent);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + revokedParent)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword))).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, blockedChild));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, revokedChild));
    }

    [Fact]
    public async Task AThirdPartyTokensAncClaim_IsNotItsLineage_NorThatOfTheTokensMadeWithIt()
    {
        // The lineage (anc) of one of AuthProxy's own tokens, whose parent is then revoked.
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var (_, created) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));
        var parent = created.GetProperty("token").GetString()!;
        var child = await GsqlWithAsync(proxy, parent);
        var lineage = TestTokens.Parse(System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(child.Split('.')[1])))["anc"]!.DeepClone();
        Assert.Single(lineage.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + parent)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, child));

        // A provider's token carrying the same claim: only AuthProxy's own tokens say what they were made with.
        var claims = TestTokens.Claims("kevin");
        claims["anc"] = lineage;
        var thirdParty = TestTokens.Hs256(claims);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, thirdParty));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, await GsqlWithAsync(proxy, thirdParty)));
    }

    [Fact]
    public async Task AChainOfTokensMadeWithTokens_StopsAtItsDepth()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));
        var token = body.GetProperty("token").GetString()!;
        for (var depth = 1; depth <= 8; depth++)
        {
            token = await GsqlWithAsync(proxy, token);
        }

        (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(token));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("tokens in a row", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, token));
    }

    [Fact]
    public async Task RevokedTokens_KeepCountingAgainstTheCap_UntilTheyExpire()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Limits:TokensPerUser"] = "2",
        });
        var first = await GsqlAsync(proxy);
        await GsqlAsync(proxy);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + first)
            .WithBasic("kevin", TestUsers.KevinPassword))).Status);

        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("limit-exceeded", body.GetProperty("reason").GetString());
    }

    private static async Task<string> GsqlAsync(ProxyHost proxy)
    {
        var (_, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword));
        return body.GetProperty("token").GetString()!;
    }

    [Theory]
    [InlineData("Basic:")]
    [InlineData("Basic\t")]
    [InlineData("")]
    [InlineData("Digest,")]
    public async Task AMalformedAuthorizationHeader_IsNeverEchoed(string prefix)
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var credential = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("kevin:" + TestUsers.KevinPassword));
        var request = Http.Get("/restpp/query/social/q");
        request.Headers.TryAddWithoutValidation("Authorization", prefix + credential);

        var (status, body) = await SendAsync(proxy, request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain(credential[..12], body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingAPersonalTokenForAnother_AnswersAlike_WhetherTheUserExistsOrNot()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        async Task<string> AskAsync(string actor)
        {
            var (_, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = CreatePat(actor, "ONE_HOUR") })
                .WithBasic("kevin", TestUsers.KevinPassword));
            var error = body.GetProperty("errors")[0];
            return error.GetProperty("extensions").GetProperty("code").GetString() + ": " + error.GetProperty("message").GetString()!.Replace(actor, "X", StringComparison.Ordinal);
        }

        Assert.Equal(await AskAsync("tigergraph"), await AskAsync("no-such-user"));
    }

    [Theory]
    [InlineData("[\"https://idp.example/keys\",\"https://idp.example/other\",\"v1\"]")]
    [InlineData("\"a-json-string-of-quite-some-length-to-pass-for-a-secret\"")]
    public async Task AJsonDocument_IsNeverASharedSecret(string document)
    {
        var directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "public.json"), document);
        var problems = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() => ProxyHost.StartAsync(
            TestRoutes.Standard(backend.BaseAddress), directory: directory,
            settings: new Dictionary<string, string> { ["Security:JWT:Providers:idp:Issuer"] = Issuer, ["Security:JWT:Providers:idp:Secrets:0"] = "@public.json" }));

        Assert.Contains(problems.Problems, p => p.Contains("a JSON document, not a secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserWhoseHashDiffers_IsNamedAtStart_TheDecoyFollowsTheMostCommonHash()
    {
        var users = $$"""
            {
              "Users": {
                "a": { "PasswordHash": "{{TestUsers.Pbkdf2("pa")}}", "Graphs": { "social": [ "READ_DATA" ] } },
                "b": { "PasswordHash": "{{TestUsers.Pbkdf2("pb")}}", "Graphs": { "social": [ "READ_DATA" ] } },
                "odd": { "PasswordHash": "{{TestUsers.Pbkdf2("po", 2000)}}", "Graphs": { "social": [ "READ_DATA" ] } }
              }
            }
            """;
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users);

        var warnings = proxy.Logs.GetSnapshot().Where(r => r.Id.Id == 1205).Select(r => r.Message).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("odd", warning, StringComparison.Ordinal);
        Assert.Contains("pbkdf2-sha256 i=2000", warning, StringComparison.Ordinal);
        Assert.Contains("pbkdf2-sha256 i=1000", warning, StringComparison.Ordinal);
    }
}
