using System.Globalization;
using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>TigerGraph's GSQL token and secret services, as pyTigerGraph calls them, through real HTTP.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class GsqlTokenTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    private HttpClient Client => _proxy.Client;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
        settings: new Dictionary<string, string> { ["GSQL:Token:DropLimit"] = "3" });

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private async Task<JsonElement> CreateTokenAsync(object body, string user = "kevin", string password = TestUsers.KevinPassword)
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", body).WithBasic(user, password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<string> TokenAsync(string? graph = "social", string user = "kevin", string password = TestUsers.KevinPassword) =>
        (await CreateTokenAsync(graph is null ? new { } : new { graph }, user, password)).GetProperty("token").GetString()!;

    private async Task<HttpStatusCode> QueryAsync(string token, string graph = "social")
    {
        using var response = await Client.SendAsync(Http.Get($"/restpp/query/{graph}/q", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task CreateToken_WithBasic_AnswersTigerGraphsBody_AndTheTokenWorks()
    {
        var clock = TimeProvider.System.GetUtcNow();
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social", lifetime = "3600000" }).WithBasic("kevin", TestUsers.KevinPassword));
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"expiration\":\"", text, StringComparison.Ordinal);
        Assert.False(body.GetProperty("error").GetBoolean());
        Assert.Equal("Generate new JWT token successfully.", body.GetProperty("message").GetString());
        var expiration = DateTime.ParseExact(body.GetProperty("expiration").GetString()!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        Assert.InRange(expiration, clock.UtcDateTime.AddMinutes(59), clock.UtcDateTime.AddMinutes(61));

        var token = body.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(token));
        Assert.Equal(HttpStatusCode.Forbidden, await QueryAsync(token, "finance"));
    }

    [Fact]
    public async Task CreateToken_LifetimeAsNumber_Default_AndInvalid()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var numeric = await CreateTokenAsync(new { lifetime = 60000 });
        var defaulted = await CreateTokenAsync(new { });
        Assert.InRange(Expiration(numeric), now.AddSeconds(50), now.AddSeconds(70));
        Assert.InRange(Expiration(defaulted), now.AddDays(7).AddMinutes(-1), now.AddDays(7).AddMinutes(1));

        foreach (var bad in new object[] { new { lifetime = "soon" }, new { lifetime = -5 }, new { lifetime = 1e15 } })
        {
            using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", bad).WithBasic("kevin", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid-request", (await response.JsonAsync()).GetProperty("reason").GetString());
        }
    }

    private static DateTime Expiration(JsonElement body) =>
        DateTime.ParseExact(body.GetProperty("expiration").GetString()!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Fact]
    public async Task CreateToken_RefusesAGraphTheUserCannotAccess_AndMissingCredentials()
    {
        using var graph = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "finance" }).WithBasic("kevin", TestUsers.KevinPassword));
        using var anonymous = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }));
        using var broken = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", "{not json").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Forbidden, graph.StatusCode);
        Assert.Equal("Access Denied because user kevin has no access to graph finance", (await graph.JsonAsync()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("missing", (await anonymous.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
    }

    [Fact]
    public async Task CreateToken_WithABearerToken_AndAScopedTokenCannotWidenItsScope()
    {
        var global = await TokenAsync(graph: null);
        var scoped = await TokenAsync("social");

        using var fromGlobal = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBearer(global));
        using var widen = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(scoped));

        Assert.Equal(HttpStatusCode.OK, fromGlobal.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, widen.StatusCode);
    }

    [Fact]
    public async Task Secrets_CreateShowOnce_ListMasked_TokenFromSecret_Drop()
    {
        using var created = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=ci").WithBasic("kevin", TestUsers.KevinPassword));
        var results = (await created.JsonAsync()).GetProperty("results");
        var value = results.GetProperty("value").GetString()!;
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("ci", results.GetProperty("alias").GetString());
        Assert.Equal(32, value.Length);

        using var generated = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Matches("^AUTO_GENERATED_ALIAS_[a-z0-9]{7}$", (await generated.JsonAsync()).GetProperty("results").GetProperty("alias").GetString());

        using var list = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        var listed = (await list.JsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.Equal(value[..3] + "****" + value[^3..], listed.Single(s => s.GetProperty("alias").GetString() == "ci").GetProperty("value").GetString());
        Assert.DoesNotContain(value, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var one = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets/ci").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal("ci", (await one.JsonAsync()).GetProperty("results").GetProperty("alias").GetString());

        // The secret stands for its user: no login needed, and a stale Authorization header is ignored.
        var request = Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret = value, graph = "social" }).WithBearer("stale.token.value-that-is-not-valid");
        using var fromSecret = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, fromSecret.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await QueryAsync((await fromSecret.JsonAsync()).GetProperty("token").GetString()!));

        using var dropped = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/secrets/ci", "").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        using var afterDrop = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret = value }));
        Assert.Equal(HttpStatusCode.Unauthorized, afterDrop.StatusCode);
        Assert.Equal("Access Denied because the secret is invalid", (await afterDrop.JsonAsync()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Secrets_DuplicateAlias_ProvidedValue_AndDropSeveralAllOrNone()
    {
        using var first = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=a&value=provided-value-0123456789").WithBasic("kevin", TestUsers.KevinPassword));
        using var again = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=a").WithBasic("kevin", TestUsers.KevinPassword));
        using var weak = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=b&value=short").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal("provided-value-0123456789", (await first.JsonAsync()).GetProperty("results").GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);

        await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=c").WithBasic("kevin", TestUsers.KevinPassword));
        using var partly = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/secrets", new { secrets = new[] { "a", "nope" } }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.NotFound, partly.StatusCode);
        using var listAfterFailure = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(2, (await listAfterFailure.JsonAsync()).GetProperty("results").GetArrayLength());

        // By alias and by value at once.
        using var both = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/secrets", new { secrets = new[] { "provided-value-0123456789", "c" } }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        using var empty = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(0, (await empty.JsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Secrets_OfAnotherUser_NeedManageAccessTokens()
    {
        using var kevinForTiger = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=x&userName=tigergraph").WithBasic("kevin", TestUsers.KevinPassword));
        using var tigerForKevin = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=x&userName=kevin").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        using var kevinLists = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        using var nobody = await Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets?userName=nobody").WithBasic("tigergraph", TestUsers.TigerGraphPassword));

        Assert.Equal(HttpStatusCode.Forbidden, kevinForTiger.StatusCode);
        Assert.Equal("privilege", (await kevinForTiger.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, tigerForKevin.StatusCode);
        Assert.Equal("x", (await kevinLists.JsonAsync()).GetProperty("results")[0].GetProperty("alias").GetString());
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
    }

    [Fact]
    public async Task DropTokens_BlocksThemOnEveryRoute_ClearUnblocks()
    {
        var a = await TokenAsync();
        var b = await TokenAsync();
        var keep = await TokenAsync();

        using var drop = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = $"{a}, {b}" }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, drop.StatusCode);

        using var refused = await Client.SendAsync(Http.Get("/restpp/query/social/q", a));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("revoked", (await refused.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(b));
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(keep));

        using var clear = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens?clear=true").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(a));
    }

    [Fact]
    public async Task DropTokens_CapIsEnforced_WholeRequestRefused()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await TokenAsync());
        }

        using var first = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = tokens.Take(2).ToArray() }).WithBasic("kevin", TestUsers.KevinPassword));
        using var over = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = tokens.Skip(2).ToArray() }).WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var body = await over.JsonAsync();
        Assert.Equal("limit-exceeded", body.GetProperty("reason").GetString());
        Assert.Contains("at most 3 tokens", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        foreach (var notDropped in tokens.Skip(2))
        {
            Assert.Equal(HttpStatusCode.OK, await QueryAsync(notDropped));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(tokens[0]));
    }

    [Fact]
    public async Task DropTokens_OnlyTheCallersOwn()
    {
        var tigers = await TokenAsync(graph: null, "tigergraph", TestUsers.TigerGraphPassword);

        using var response = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = tigers }).WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(tigers, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(tigers));
    }

    [Fact]
    public async Task CheckToken_SaysWhetherAnAuthProxyTokenIsValid()
    {
        var token = await TokenAsync();
        var thirdParty = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        using var valid = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token }));
        using var foreign = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token = thirdParty }));
        await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));
        using var dropped = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token }));
        using var missing = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { }));

        var validBody = await valid.JsonAsync();
        Assert.False(validBody.GetProperty("error").GetBoolean());
        Assert.Equal("kevin", validBody.GetProperty("results").GetProperty("user").GetString());
        Assert.Equal("social", validBody.GetProperty("results").GetProperty("graph").GetString());
        Assert.True((await foreign.JsonAsync()).GetProperty("error").GetBoolean());
        Assert.Equal("revoked", (await dropped.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Jwks_VerifiesIssuedTokens_WithAnIndependentVerifier()
    {
        var token = await TokenAsync();
        using var response = await Client.GetAsync("/.well-known/jwks.json");
        var jwks = await response.JsonAsync();

        var parts = token.Split('.');
        var header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
        var key = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == header.GetProperty("kid").GetString());
        using var rsa = System.Security.Cryptography.RSA.Create(new System.Security.Cryptography.RSAParameters
        {
            Modulus = Base64Url(key.GetProperty("n").GetString()!),
            Exponent = Base64Url(key.GetProperty("e").GetString()!),
        });

        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.True(rsa.VerifyData(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]),
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must hold public keys only");
        var payload = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        foreach (var claim in new[] { "iss", "sub", "iat", "exp", "jti", "graph" })
        {
            Assert.True(payload.TryGetProperty(claim, out _), claim);
        }
    }

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }
}
