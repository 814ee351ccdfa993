using System.Globalization;
using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The bounds every token service keeps: no credential turns into one with a wider graph scope,
/// more privileges or a later expiry than its holder could get with a password; a graph-scoped
/// token mints nothing and unblocks nothing; lifetimes are capped; live tokens and secrets per user
/// are capped; the token check answers only for AuthProxy's own tokens.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TokenServiceBoundsTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Issuer = "https://idp.example";
    private readonly TestKey _idp = TestKey.Rsa("idp-1");
    private ProxyHost _proxy = null!;

    private HttpClient Client => _proxy.Client;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
    {
        ["Security:JWT:Providers:idp:Issuer"] = Issuer,
        ["Security:JWT:Providers:idp:Keys:0"] = _idp.PublicPem(),
    });

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _idp.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request, HttpClient? client = null)
    {
        using (request)
        {
            using var response = await (client ?? Client).SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private async Task<string> GsqlTokenAsync(object body, string user = "kevin", string password = TestUsers.KevinPassword)
    {
        var (status, json) = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", body).WithBasic(user, password));
        Assert.Equal(HttpStatusCode.OK, status);
        return json.GetProperty("token").GetString()!;
    }

    private static DateTime Expiration(JsonElement body) => DateTime.ParseExact(body.GetProperty("expiration").GetString()!, "yyyy-MM-dd HH:mm:ss",
        CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [Fact]
    public async Task AGraphScopedToken_CannotCreateSecrets_MintTokens_OrClearTheBlockList()
    {
        var scoped = await GsqlTokenAsync(new { graph = "social" });

        var secret = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=x").WithBearer(scoped));
        var mint = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(scoped));
        var mintSameGraph = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBearer(scoped));
        var clear = await SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens?clear=true", "").WithBearer(scoped));

        foreach (var (status, body) in new[] { secret, mint, mintSameGraph, clear })
        {
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("graph-scope", body.GetProperty("reason").GetString());
        }

        var (_, list) = await SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(0, list.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task ScopedTokensOfAThirdParty_AreBoundTheSameWay()
    {
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = Issuer;
        var scoped = _idp.Sign(claims);

        var secret = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=x").WithBearer(scoped));
        var mint = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(scoped));
        var pat = await SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new
        {
            query = """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_HOUR, name: "n"}) { accessToken } }""",
        }).WithBearer(scoped));

        Assert.Equal(HttpStatusCode.Forbidden, secret.Status);
        Assert.Equal(HttpStatusCode.Forbidden, mint.Status);
        Assert.Equal("UNAUTHORIZED", pat.Body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ATokenMadeWithABearerToken_NeverOutlivesIt()
    {
        var claims = TestTokens.Claims("kevin"); // an hour left
        claims["iss"] = Issuer;
        var bearer = _idp.Sign(claims);
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>()).UtcDateTime;

        var asked = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 7L * 24 * 3600 * 1000 }).WithBearer(bearer));
        var defaulted = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(bearer));

        Assert.Equal(HttpStatusCode.OK, asked.Status);
        Assert.True(Expiration(asked.Body) <= expires, $"{Expiration(asked.Body):o} is after {expires:o}");
        Assert.True(Expiration(defaulted.Body) <= expires);

        var pat = await SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new
        {
            query = """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_WEEK, name: "n"}) { accessToken } }""",
        }).WithBearer(bearer));
        Assert.Equal("BAD_REQUEST", pat.Body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("cannot outlive it", pat.Body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        // A password can still ask for the week.
        var withPassword = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 7L * 24 * 3600 * 1000 }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.True(Expiration(withPassword.Body) > expires.AddDays(6));
    }

    [Fact]
    public async Task ASecret_CannotMintPastTheMaxLifetime()
    {
        using var created = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=s").WithBasic("kevin", TestUsers.KevinPassword));
        var secret = (await created.JsonAsync()).GetProperty("results").GetProperty("value").GetString()!;

        var tenYears = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret, lifetime = 315_360_000_000L }));
        var asString = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret, lifetime = "2592000001" }));
        var thirtyDays = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret, lifetime = 2_592_000_000L }));

        Assert.Equal(HttpStatusCode.BadRequest, tenYears.Status);
        Assert.Equal("invalid-request", tenYears.Body.GetProperty("reason").GetString());
        Assert.Contains("GSQL:Token:MaxLifetime", tenYears.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(tenYears.Body.GetProperty("error").GetBoolean()); // TigerGraph's error body
        Assert.Equal("v2", tenYears.Body.GetProperty("version").GetProperty("api").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, asString.Status);
        Assert.Equal(HttpStatusCode.OK, thirtyDays.Status);
    }

    [Fact]
    public async Task MaxLifetime_IsConfigurable_AndBoundsTheDefault()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["GSQL:Token:MaxLifetime"] = "3600000",
            ["GSQL:Token:DefaultLifetime"] = "600000",
        });
        var over = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 3_600_001 }).WithBasic("kevin", TestUsers.KevinPassword), proxy.Client);
        var atMost = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 3_600_000 }).WithBasic("kevin", TestUsers.KevinPassword), proxy.Client);

        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Equal(HttpStatusCode.OK, atMost.Status);

        var problems = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["GSQL:Token:MaxLifetime"] = "3600000" }));
        Assert.Contains(problems.Problems, p => p.Contains("DefaultLifetime", StringComparison.Ordinal) && p.Contains("MaxLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LiveTokensAndSecretsPerUser_AreCapped()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Limits:TokensPerUser"] = "3",
            ["AuthProxy:Limits:SecretsPerUser"] = "2",
        });

        var minted = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            minted.Add((await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("kevin", TestUsers.KevinPassword), proxy.Client)).Status);
        }

        var login = await SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }), proxy.Client);
        var other = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("tigergraph", TestUsers.TigerGraphPassword), proxy.Client);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], minted);
        Assert.Equal(HttpStatusCode.BadRequest, login.Status);
        Assert.Equal("limit-exceeded", login.Body.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, other.Status);

        var secrets = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            secrets.Add((await SendAsync(Http.Json(HttpMethod.Post, $"/gsql/v1/secrets?alias=s{i}").WithBasic("kevin", TestUsers.KevinPassword), proxy.Client)).Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest], secrets);
    }

    [Fact]
    public async Task PersonalTokensPerUser_AreCapped()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Limits:PersonalTokensPerUser"] = "2",
        });
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, body) = await SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new
            {
                query = $$"""mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "t{{i}}"}) { accessToken } }""",
            }).WithBasic("kevin", TestUsers.KevinPassword), proxy.Client);
            codes.Add(body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString()! : "OK");
        }

        Assert.Equal(["OK", "OK", "BAD_REQUEST"], codes);
    }

    [Fact]
    public async Task TheTokenCheck_AnswersOnlyForOwnTokens_AndAnythingElseGetsOneAnswer()
    {
        var own = await GsqlTokenAsync(new { graph = "social" });
        var claims = TestTokens.Claims("kevin");
        claims["iss"] = Issuer;
        var thirdParty = _idp.Sign(claims);
        using var stranger = TestKey.Rsa("idp-1");
        var badSignature = stranger.Sign(claims);
        var unknownUser = TestTokens.Claims("nobody");
        unknownUser["iss"] = Issuer;
        var forgedOwn = TestTokens.Claims("kevin");
        forgedOwn["iss"] = "AuthProxy";

        var answers = new List<string>();
        foreach (var token in new[] { thirdParty, badSignature, _idp.Sign(unknownUser), TestTokens.Hs256(forgedOwn), "garbage-that-is-long-enough", TestTokens.Hs256(TestTokens.Claims("kevin")) })
        {
            var (status, body) = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token }));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(body.GetProperty("error").GetBoolean());
            answers.Add(body.GetRawText());
        }

        Assert.Single(answers.Distinct());

        var valid = await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token = own }));
        Assert.False(valid.Body.GetProperty("error").GetBoolean());
        Assert.Equal("social", valid.Body.GetProperty("results").GetProperty("graph").GetString());
    }

    [Fact]
    public async Task TheTokenCheck_CountsAgainstTheAddressBudget()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Throttling:AddressFailures"] = "5",
        });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token = TestTokens.Hs256(TestTokens.Claims("kevin")) }), proxy.Client)).Status);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);
    }
}
