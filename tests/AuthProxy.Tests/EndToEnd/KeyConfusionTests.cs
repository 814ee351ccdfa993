using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AuthProxy.Tests.Common;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A public key document never becomes a shared secret: whatever a provider's key URL or its
/// discovered jwks_uri answers (an HTML page, a bare string, a JWKS behind a byte order mark or
/// carrying an oct key), nobody can sign HS256 tokens with what they read there. Through the
/// running proxy, against a WireMock.Net key server over real HTTPS.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyConfusionTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Issuer = "https://idp.example";
    private readonly TestCertificateAuthority _ca = new();
    private readonly string _directory = ProxyHost.CreateDirectory();
    private WireMockServer _server = null!;
    private string _bundle = null!;

    public Task InitializeAsync()
    {
        _server = Start(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    private Task<ProxyHost> StartAsync(params (string Key, string Value)[] provider)
    {
        var settings = new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:idp:Issuer"] = Issuer,
            ["AuthProxy:KeyFetch:RetryDelay"] = "00:00:00.010",
            ["AuthProxy:KeyFetch:InitialLoadTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in provider)
        {
            settings[key] = value;
        }

        return ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);
    }

    /// <summary>An HS256 token for the superuser, signed with what the attacker read from the public URL.</summary>
    private static string Forged(string secret, string issuer = Issuer, string sub = "tigergraph")
    {
        var claims = TestTokens.Claims(sub);
        claims["iss"] = issuer;
        return TestTokens.Hs256(claims, secret: secret);
    }

    private static JsonObject Claims(string issuer = Issuer)
    {
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = issuer;
        return claims;
    }

    private static async Task<(HttpStatusCode Status, string Reason)> QueryAsync(ProxyHost proxy, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        var reason = response.StatusCode == HttpStatusCode.OK ? "" : (await response.JsonAsync()).GetProperty("reason").GetString()!;
        return (response.StatusCode, reason);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(ProxyHost proxy)
    {
        using var response = await proxy.Client.GetAsync("/readyz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string> PublicBodies() => new()
    {
        { "an HTML page (an SPA fallback)", "<!DOCTYPE html><html><head><title>Sign in</title></head><body><div id=\"root\"></div></body></html>" },
        { "a bare base64 string", Convert.ToBase64String(Encoding.UTF8.GetBytes("this-is-not-a-key-set-but-is-long-enough-to-be-a-secret")) },
        { "plain text", "Service temporarily moved; see the status page for details of the outage." },
        { "JSON that is not a key set", "{\"error\":\"not_found\",\"message\":\"the tenant has no key set at this address\"}" },
    };

    [Theory]
    [MemberData(nameof(PublicBodies))]
    public async Task AProviderKeyUrl_ServingSomethingElse_IsAFailedLoad_NeverASecret(string what, string body)
    {
        _server.Serve("/keys", Ok(body, "text/html"));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));

        var forged = await QueryAsync(proxy, Forged(body));
        var trimmed = await QueryAsync(proxy, Forged(body.Trim()));
        var ready = await ReadyAsync(proxy);

        Assert.True(forged.Status == HttpStatusCode.Unauthorized, what);
        Assert.Equal(HttpStatusCode.Unauthorized, trimmed.Status);
        Assert.NotEqual("", forged.Reason);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("waiting for keys from Security:JWT:Providers:idp:Keys:0", ready.Body, StringComparison.Ordinal);
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("(parse)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DiscoveredJwksUri_ServingAnHtmlPage_IsAFailedLoad_NeverASecret()
    {
        var issuer = _server.BaseAddress().ToString().TrimEnd('/') + "/tenant";
        const string Page = "<html><body>Welcome to the console of the identity provider</body></html>";
        _server.Serve("/tenant/.well-known/openid-configuration", Ok(new JsonObject { ["issuer"] = issuer, ["jwks_uri"] = _server.Url("/tenant/jwks").ToString() }.ToJsonString()));
        _server.Serve("/tenant/jwks", Ok(Page, "text/html"));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Issuer", issuer));

        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(Page, issuer))).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyAsync(proxy)).Status);
    }

    [Fact]
    public async Task AJwksBehindAByteOrderMark_IsReadAsTheKeySet_NotAsASecret()
    {
        using var key = TestKey.Rsa("k1");
        var body = "\uFEFF" + TestKey.Jwks(key);
        _server.Serve("/keys", Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(TestKey.Jwks(key))]));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));

        Assert.Equal(HttpStatusCode.OK, (await QueryAsync(proxy, key.Sign(Claims()))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(body))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(TestKey.Jwks(key)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(proxy)).Status);
    }

    [Fact]
    public async Task AnOctKeyInAFetchedKeySet_IsRefused_TheOtherKeysServe()
    {
        using var key = TestKey.Rsa("k1");
        var secret = Encoding.UTF8.GetBytes("a-shared-secret-published-by-mistake-0123456789");
        var jwks = new JsonObject
        {
            ["keys"] = new JsonArray(key.Jwk(), new JsonObject { ["kty"] = "oct", ["kid"] = "hs", ["k"] = TestTokens.Encode(secret), ["alg"] = "HS256" }),
        }.ToJsonString();
        _server.Serve("/keys", Ok(jwks));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));

        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = "hs" };
        var claims = TestTokens.Claims("tigergraph");
        claims["iss"] = Issuer;
        var withOct = TestTokens.Sign(header, claims, secret: Encoding.UTF8.GetString(secret));

        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, withOct)).Status);
        Assert.Equal(HttpStatusCode.OK, (await QueryAsync(proxy, key.Sign(Claims()))).Status);
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Message.Contains("oct key 'hs' is a shared secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForgedOrMismatchedSignatures_AreRefused_InEveryKeyFamily()
    {
        // One key of each family in the provider's set, and an impostor of each signing under the same kid;
        // and the TigerGraph-named HMAC secret, with another secret as its impostor.
        TestKey[] keys = [TestKey.Rsa("rs", "RS256"), TestKey.Rsa("ps", "PS256"), TestKey.Ec("es", "ES256"), TestKey.Ec("es384", "ES384"), TestKey.Ed25519("ed")];
        TestKey[] impostors = [TestKey.Rsa("rs", "RS256"), TestKey.Rsa("ps", "PS256"), TestKey.Ec("es", "ES256"), TestKey.Ec("es384", "ES384"), TestKey.Ed25519("ed")];
        try
        {
            _server.Serve("/keys", Ok(TestKey.Jwks(keys)));
            await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));
            var families = keys.Select((key, i) => (key.Alg, Claims(), (Func<JsonObject, string>)(c => key.Sign(c)), (Func<JsonObject, string>)(c => impostors[i].Sign(c))))
                .Append(("HS256", TestTokens.Claims("kevin", "social"), c => TestTokens.Hs256(c), c => TestTokens.Hs256(c, secret: "an-impostors-secret-long-enough-for-hs256-0123456789")));

            foreach (var (alg, claims, sign, forge) in families)
            {
                var genuine = sign(claims);
                Assert.Equal((HttpStatusCode.OK, ""), await QueryAsync(proxy, genuine));
                var superuser = claims.DeepClone().AsObject();
                superuser["sub"] = "tigergraph";
                var parts = genuine.Split('.');
                var signature = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
                foreach (var (what, token) in new[]
                {
                    ("signed by an impostor", forge(superuser)),
                    ("its payload changed", parts[0] + "." + TestTokens.Encode(superuser.ToJsonString()) + "." + parts[2]),
                    ("its signature cut short", parts[0] + "." + parts[1] + "." + TestTokens.Encode(signature[..^6])),
                    ("its signature made longer", parts[0] + "." + parts[1] + "." + TestTokens.Encode([.. signature, .. signature[..6]])),
                    ("its signature empty", parts[0] + "." + parts[1] + "."),
                })
                {
                    using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
                    var body = await response.JsonAsync();
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized && body.GetProperty("reason").GetString() == "verification",
                        $"{alg}, {what}: {(int)response.StatusCode} {body}");
                    Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' failed signature verification", body.GetProperty("message").GetString());
                }
            }

            // A key verifies its own algorithm only, under its own kid: the RS256 key's PS256 signature, or its signature under another key's kid.
            foreach (var (token, message) in new[]
            {
                (keys[0].Sign(Claims(), kid: "ps", alg: "PS256"), "failed signature verification"),
                (keys[0].Sign(Claims(), alg: "PS256"), "names key rs, which Security:JWT:Providers:idp does not have for PS256"),
                (keys[0].Sign(Claims(), kid: "es"), "names key es, which Security:JWT:Providers:idp does not have for RS256"),
            })
            {
                using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
                var body = await response.JsonAsync();
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("verification", body.GetProperty("reason").GetString());
                Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' {message}", body.GetProperty("message").GetString());
            }
        }
        finally
        {
            foreach (var key in keys.Concat(impostors))
            {
                key.Dispose();
            }
        }
    }

    [Fact]
    public async Task AKeySetOfOnlyOctKeys_LoadsNothing()
    {
        var secret = Encoding.UTF8.GetBytes("another-shared-secret-that-is-long-enough-0123456789");
        _server.Serve("/keys", Ok(new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["kty"] = "oct", ["k"] = TestTokens.Encode(secret) }) }.ToJsonString()));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(Encoding.UTF8.GetString(secret)))).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyAsync(proxy)).Status);
    }

    [Fact]
    public async Task WhenAGoodKeyUrlStartsServingAPage_TheLastGoodKeysStay_TheCauseIsLogged_AndReadinessSaysSo()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/keys", Ok(TestKey.Jwks(key)));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Keys:0", _server.Url("/keys").ToString()));
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(proxy)).Status);

        const string Page = "<!doctype html><html><body>maintenance</body></html>";
        _server.Serve("/keys", Ok(Page, "text/html"));
        // A token naming a kid the set lacks makes the proxy refresh at once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, key.Sign(Claims(), kid: "rotated"))).Status);

        var ready = await ReadyAsync(proxy);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Contains("\"status\":\"Degraded\"", ready.Body, StringComparison.Ordinal);
        Assert.Contains("holds neither a PEM public key nor a JWKS", ready.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await QueryAsync(proxy, key.Sign(Claims()))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(Page))).Status);
    }

    [Fact]
    public async Task SharedSecrets_ComeOnlyFromWhereTheOperatorDeclaredThem()
    {
        const string Secret = "declared-shared-secret-for-this-provider-0123456789";
        _server.Serve("/secret", Ok(Secret, "text/plain"));
        await using var proxy = await StartAsync(("Security:JWT:Providers:idp:Secrets:0", _server.Url("/secret").ToString()));

        var token = Forged(Secret, sub: "kevin");
        Assert.Equal(HttpStatusCode.OK, (await QueryAsync(proxy, token)).Status);
    }

    [Fact]
    public async Task ADeclaredSecretUrl_ServingAPublicDocument_IsRefused()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/pem", Ok(key.PublicPem(), "application/x-pem-file"));
        _server.Serve("/page", Ok("<!DOCTYPE html><html><body>login</body></html>", "text/html"));
        await using var proxy = await StartAsync(
            ("Security:JWT:Providers:idp:Secrets:0", _server.Url("/pem").ToString()),
            ("Security:JWT:Providers:idp:Secrets:1", _server.Url("/page").ToString()));

        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged(key.PublicPem()))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await QueryAsync(proxy, Forged("<!DOCTYPE html><html><body>login</body></html>"))).Status);
        var ready = await ReadyAsync(proxy);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
    }
}
