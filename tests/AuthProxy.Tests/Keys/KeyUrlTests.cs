using System.Text.Json.Nodes;
using AuthProxy.Keys;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.Keys;

/// <summary>
/// Keys fetched over real HTTPS from a WireMock.Net identity provider whose certificate comes from a
/// test CA: PEM, JWKS, discovery, rotation, its faults (errors, delays, redirects, garbage) and recovery.
/// </summary>
public sealed class KeyUrlTests : IAsyncLifetime
{
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

    private static JsonObject Claims(string? iss = null, string sub = "kevin")
    {
        var claims = TestTokens.Claims(sub, "social");
        if (iss is not null)
        {
            claims["iss"] = iss;
        }

        return claims;
    }

    private Dictionary<string, string?> Provider(string name, string issuer, string? keys, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            [$"Security:JWT:Providers:{name}:Issuer"] = issuer,
            ["AuthProxy:KeyFetch:RetryDelay"] = "00:00:00.010",
        };
        if (keys is not null)
        {
            settings[$"Security:JWT:Providers:{name}:Keys:0"] = keys;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task PemAtUrl_ForTigerGraphsRsaKey()
    {
        using var key = TestKey.Rsa("ignored");
        _server.Serve("/public.pem", Ok(key.PublicPem(), "application/x-pem-file"));
        await using var validators = await Validators.CreateAsync(new Dictionary<string, string?>
        {
            ["Security:JWT:RSA:PublicKey"] = _server.Url("/public.pem").ToString(),
            ["Security:JWT:CaCertificate"] = _bundle,
        }, TimeProvider.System);

        var result = await validators.ValidateAsync(key.Sign(Claims()));

        Assert.True(result.Succeeded, result.Refusal.Message);
        Assert.Equal(1, _server.Hits("/public.pem"));
    }

    [Fact]
    public async Task HmacSecretAtUrl()
    {
        _server.Serve("/secret", Ok("  " + TestTokens.HmacSecret + "\n", "text/plain"));
        await using var validators = await Validators.CreateAsync(new Dictionary<string, string?>
        {
            ["Security:JWT:HMAC:Secret"] = _server.Url("/secret").ToString(),
            ["Security:JWT:CaCertificate"] = _bundle,
        }, TimeProvider.System);

        Assert.True((await validators.ValidateAsync(TestTokens.Hs256(Claims()))).Succeeded);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("EdDSA")]
    public async Task Jwks_EachAlgorithm(string alg)
    {
        using var key = alg switch
        {
            "EdDSA" => TestKey.Ed25519("k1"),
            _ when alg.StartsWith("ES", StringComparison.Ordinal) => TestKey.Ec("k1", alg),
            _ => TestKey.Rsa("k1", alg),
        };
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString()), TimeProvider.System);

        var result = await validators.ValidateAsync(key.Sign(Claims("https://idp.example")));

        Assert.True(result.Succeeded, result.Refusal.Message);
    }

    [Fact]
    public async Task PemKeysOfEveryFamily_ForAProvider()
    {
        using var rsa = TestKey.Rsa("a");
        using var ec = TestKey.Ec("b", "ES384");
        using var ed = TestKey.Ed25519("c");
        await File.WriteAllTextAsync(Path.Combine(_directory, "keys.pem"), string.Join('\n', rsa.PublicPem(), ec.PublicPem(), ed.PublicPem()));
        var settings = Provider("idp", "https://idp.example", "@" + Path.Combine(_directory, "keys.pem"));
        await using var validators = await Validators.CreateAsync(settings, TimeProvider.System);

        foreach (var key in new[] { rsa, ec, ed })
        {
            var result = await validators.ValidateAsync(key.Sign(Claims("https://idp.example")));
            Assert.True(result.Succeeded, $"{key.Alg}: {result.Refusal.Message}");
        }
    }

    [Fact]
    public async Task AccessTokens_TypedAtJwt_AreAccepted()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString()), TimeProvider.System);

        Assert.True((await validators.ValidateAsync(key.Sign(Claims("https://idp.example"), typ: "at+jwt"))).Succeeded);
    }

    [Fact]
    public async Task OneProvidersKey_NeverVerifiesAnothersToken()
    {
        using var a = TestKey.Rsa("shared-kid");
        using var b = TestKey.Rsa("b");
        _server.Serve("/a", Ok(TestKey.Jwks(a)));
        _server.Serve("/b", Ok(TestKey.Jwks(b)));
        var settings = Provider("a", "https://a.example", _server.Url("/a").ToString());
        settings["Security:JWT:Providers:b:Issuer"] = "https://b.example";
        settings["Security:JWT:Providers:b:Keys:0"] = _server.Url("/b").ToString();
        await using var validators = await Validators.CreateAsync(settings, TimeProvider.System);

        Assert.True((await validators.ValidateAsync(a.Sign(Claims("https://a.example")))).Succeeded);
        // Signed by a's key, claiming b's issuer: b's keys are the only ones tried.
        var crossed = await validators.ValidateAsync(a.Sign(Claims("https://b.example")));
        Assert.Equal("verification", crossed.Refusal.Reason);
        var unknown = await validators.ValidateAsync(a.Sign(Claims("https://c.example")));
        Assert.Equal("issuer", unknown.Refusal.Reason);
    }

    [Fact]
    public async Task ProviderAudiences_AndAlgorithms_AreEnforced()
    {
        using var rs = TestKey.Rsa("rs", "RS256");
        using var es = TestKey.Ec("es");
        _server.Serve("/jwks", Ok(TestKey.Jwks(rs, es)));
        var settings = Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("Security:JWT:Providers:idp:Audiences:0", "api://authproxy"), ("Security:JWT:Providers:idp:Algorithms:0", "ES256"));
        await using var validators = await Validators.CreateAsync(settings, TimeProvider.System, expectProblems: false);

        var claims = Claims("https://idp.example");
        claims["aud"] = new JsonArray("other", "api://authproxy");
        Assert.True((await validators.ValidateAsync(es.Sign(claims))).Succeeded);
        var refused = await validators.ValidateAsync(rs.Sign(claims));
        Assert.Equal("verification", refused.Refusal.Reason);
        Assert.EndsWith("uses algorithm RS256, which Security:JWT:Providers:idp does not accept", refused.Refusal.Message, StringComparison.Ordinal);
        claims["aud"] = "other";
        Assert.Equal("audience", (await validators.ValidateAsync(es.Sign(claims))).Refusal.Reason);
    }

    [Fact]
    public async Task Discovery_FindsTheJwks()
    {
        using var key = TestKey.Ec("k1");
        var issuer = _server.BaseAddress().ToString().TrimEnd('/') + "/tenant";
        _server.Serve("/tenant/.well-known/openid-configuration", Ok(new JsonObject { ["issuer"] = issuer, ["jwks_uri"] = _server.Url("/tenant/keys").ToString() }.ToJsonString()));
        _server.Serve("/tenant/keys", Ok(TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", issuer, keys: null), TimeProvider.System);

        var result = await validators.ValidateAsync(key.Sign(Claims(issuer)));

        Assert.True(result.Succeeded, result.Refusal.Message);
    }

    [Fact]
    public async Task Discovery_WithAnotherIssuer_IsRefused()
    {
        var issuer = _server.BaseAddress().ToString().TrimEnd('/') + "/tenant";
        _server.Serve("/tenant/.well-known/openid-configuration", Ok(new JsonObject { ["issuer"] = "https://evil.example", ["jwks_uri"] = _server.Url("/tenant/keys").ToString() }.ToJsonString()));
        await using var validators = await Validators.CreateAsync(Provider("idp", issuer, keys: null), TimeProvider.System);

        Assert.False(validators.Issuers.IsReady);
        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("names issuer 'https://evil.example'", StringComparison.Ordinal));
        Assert.Equal(0, _server.Hits("/tenant/keys"));
    }

    [Fact]
    public async Task KidRotation_NewKeyVerifiesAfterOneFetch()
    {
        using var old = TestKey.Rsa("2026-10");
        using var next = TestKey.Rsa("2026-11");
        // The provider rotates after its first answer: every later fetch finds the new kid beside the old one.
        _server.Given(Get("/jwks")).InScenario("rotation").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(old)));
        _server.Given(Get("/jwks")).InScenario("rotation").WhenStateIs("rotated").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(old, next)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString()), TimeProvider.System);
        Assert.True((await validators.ValidateAsync(old.Sign(Claims("https://idp.example")))).Succeeded);
        Assert.Equal(1, _server.Hits("/jwks"));

        // A token signed with the new kid arrives.
        var result = await validators.ValidateAsync(next.Sign(Claims("https://idp.example")));

        Assert.True(result.Succeeded, result.Refusal.Message);
        Assert.Equal(2, _server.Hits("/jwks"));
        Assert.True((await validators.ValidateAsync(next.Sign(Claims("https://idp.example")))).Succeeded);
        Assert.Equal(2, _server.Hits("/jwks"));
    }

    /// <summary>
    /// A provider with two key sets, both rotated: an unknown kid fetches each once, and the token
    /// verifies whichever set brought its key, however many of the sets changed.
    /// </summary>
    [Fact]
    public async Task KidRotation_WhenEveryKeySetOfTheProviderChanged_TheNewKeyVerifies()
    {
        using var old = TestKey.Rsa("a-2026-10");
        using var next = TestKey.Rsa("a-2026-11");
        using var other = TestKey.Ec("b-2026-10");
        using var otherNext = TestKey.Ec("b-2026-11");
        _server.Given(Get("/jwks-a")).InScenario("rotation-a").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(old)));
        _server.Given(Get("/jwks-a")).InScenario("rotation-a").WhenStateIs("rotated").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(old, next)));
        _server.Given(Get("/jwks-b")).InScenario("rotation-b").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(other)));
        _server.Given(Get("/jwks-b")).InScenario("rotation-b").WhenStateIs("rotated").WillSetStateTo("rotated").RespondWith(Ok(TestKey.Jwks(other, otherNext)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks-a").ToString(),
            ("Security:JWT:Providers:idp:Keys:1", _server.Url("/jwks-b").ToString())), TimeProvider.System);
        Assert.True((await validators.ValidateAsync(old.Sign(Claims("https://idp.example")))).Succeeded);

        var result = await validators.ValidateAsync(next.Sign(Claims("https://idp.example")));

        Assert.True(result.Succeeded, result.Refusal.Message);
        Assert.Equal(2, _server.Hits("/jwks-a"));
        Assert.Equal(2, _server.Hits("/jwks-b"));
        Assert.True((await validators.ValidateAsync(otherNext.Sign(Claims("https://idp.example")))).Succeeded);
    }

    [Fact]
    public async Task RandomKidFlood_FetchesAtMostOncePerInterval()
    {
        using var key = TestKey.Rsa("real");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var time = ProxyHost.FakeClock();
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:MaxRetries", "0")), time);
        Assert.Equal(1, _server.Hits("/jwks"));

        var flood = Enumerable.Range(0, 200).Select(i => validators.ValidateAsync(key.Sign(Claims("https://idp.example"), kid: $"random-{i}")));
        var results = await Task.WhenAll(flood);

        Assert.All(results, r => Assert.Equal("verification", r.Refusal.Reason));
        Assert.Equal(2, _server.Hits("/jwks"));

        // Still within the interval: no fetch. After it: one more.
        await validators.ValidateAsync(key.Sign(Claims("https://idp.example"), kid: "random-x"));
        Assert.Equal(2, _server.Hits("/jwks"));
        time.Advance(TimeSpan.FromSeconds(31));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => validators.ValidateAsync(key.Sign(Claims("https://idp.example"), kid: $"again-{i}"))));
        Assert.Equal(3, _server.Hits("/jwks"));
    }

    [Fact]
    public async Task KeyRemoval_TakesEffectAtTheNextRefresh()
    {
        using var a = TestKey.Rsa("a");
        using var b = TestKey.Rsa("b");
        // After its first answer the provider drops b from its key set.
        _server.Given(Get("/jwks")).InScenario("removal").WillSetStateTo("a only").RespondWith(Ok(TestKey.Jwks(a, b)));
        _server.Given(Get("/jwks")).InScenario("removal").WhenStateIs("a only").WillSetStateTo("a only").RespondWith(Ok(TestKey.Jwks(a)));
        var time = ProxyHost.FakeClock();
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:MaxRetries", "0")), time);
        var token = b.Sign(Claims("https://idp.example"));
        Assert.True((await validators.ValidateAsync(token)).Succeeded);

        time.Advance(TimeSpan.FromMinutes(5));
        await RefreshDueAsync(validators);

        Assert.Equal(2, _server.Hits("/jwks"));
        Assert.Equal("verification", (await validators.ValidateAsync(token)).Refusal.Reason);
        Assert.True((await validators.ValidateAsync(a.Sign(Claims("https://idp.example")))).Succeeded);
    }

    [Fact]
    public async Task GarbageOrEmptyRefresh_KeepsTheLastGoodKeys_ThenGraceExpires()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var time = ProxyHost.FakeClock();
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:MaxRetries", "0"), ("AuthProxy:KeyFetch:GracePeriod", "01:00:00")), time);
        var claims = Claims("https://idp.example");
        claims["exp"] = TestTokens.Now + 86400;
        var token = key.Sign(claims);

        _server.Serve("/jwks", Ok("<html>not keys</html>", "text/html"));
        time.Advance(TimeSpan.FromMinutes(5));
        await RefreshDueAsync(validators);
        Assert.True((await validators.ValidateAsync(token)).Succeeded);

        _server.Serve("/jwks", Ok("{\"keys\":[]}"));
        time.Advance(TimeSpan.FromMinutes(5));
        await RefreshDueAsync(validators);
        Assert.True((await validators.ValidateAsync(token)).Succeeded);

        var logs = validators.Logs.GetSnapshot().Where(r => r.Id.Id == 1311).Select(r => r.Message).ToList();
        Assert.Contains(logs, m => m.Contains("(parse)", StringComparison.Ordinal) && m.Contains("the last good keys stay in force", StringComparison.Ordinal));
        Assert.Contains(logs, m => m.Contains("(empty)", StringComparison.Ordinal));

        // One hour after the first failure (5 minutes in) the grace period is over: fail closed.
        time.Advance(TimeSpan.FromMinutes(54));
        Assert.True((await validators.ValidateAsync(token)).Succeeded);
        time.Advance(TimeSpan.FromMinutes(2));
        var refused = await validators.ValidateAsync(token);
        Assert.Equal("key-unavailable", refused.Refusal.Reason);
        Assert.Equal(401, refused.Refusal.Status);

        // The provider recovers: keys are back at the next refresh.
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        time.Advance(TimeSpan.FromMinutes(5));
        await RefreshDueAsync(validators);
        Assert.True((await validators.ValidateAsync(token)).Succeeded);
    }

    [Fact]
    public async Task ProviderDownAtStart_FailsClosed_ThenLoadsWhenItComesUp()
    {
        var time = ProxyHost.FakeClock();
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Response.Create().WithStatusCode(503));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:MaxRetries", "0")), time);
        var token = key.Sign(Claims("https://idp.example"));

        Assert.False(validators.Issuers.IsReady);
        Assert.Equal("key-unavailable", (await validators.ValidateAsync(token)).Refusal.Reason);

        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        time.Advance(TimeSpan.FromSeconds(30));
        await RefreshDueAsync(validators);

        Assert.True(validators.Issuers.IsReady);
        Assert.True((await validators.ValidateAsync(token)).Succeeded);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_UntilTheProviderRecovers()
    {
        using var key = TestKey.Rsa("k1");
        // Two 500s, then the keys: the start-up fetch succeeds on its second retry.
        _server.Given(Get("/jwks")).InScenario("flaky").WillSetStateTo("recovered", 2).RespondWith(Response.Create().WithStatusCode(500));
        _server.Given(Get("/jwks")).InScenario("flaky").WhenStateIs("recovered").WillSetStateTo("recovered").RespondWith(Ok(TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString()), TimeProvider.System);

        Assert.True(validators.Issuers.IsReady);
        Assert.Equal(3, _server.Hits("/jwks"));
        Assert.True((await validators.ValidateAsync(key.Sign(Claims("https://idp.example")))).Succeeded);
    }

    [Fact]
    public async Task SlowProvider_TimesOut_WithTheCauseLogged()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)).WithDelay(TimeSpan.FromSeconds(2)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:AttemptTimeout", "00:00:00.200"), ("AuthProxy:KeyFetch:MaxRetries", "1"), ("AuthProxy:KeyFetch:CircuitBreakerSamplingDuration", "00:00:05")),
            TimeProvider.System);

        Assert.False(validators.Issuers.IsReady);
        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("(timeout)", StringComparison.Ordinal));

        // One attempt plus one retry at most. The retry opens a fresh TLS connection, which on a loaded
        // machine can itself outlast the 200 ms attempt budget before the request reaches the server.
        // The server logs a request once its delay is over.
        await ProxyHost.EventuallyAsync(() => Task.FromResult(_server.Hits("/jwks") >= 1), "the delayed request is logged");
        Assert.InRange(_server.Hits("/jwks"), 1, 2);
    }

    [Fact]
    public async Task WrongCa_IsRefused_NeverTheSystemStore()
    {
        using var other = new TestCertificateAuthority("Another CA");
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var settings = Provider("idp", "https://idp.example", _server.Url("/jwks").ToString());
        settings["Security:JWT:CaCertificate"] = other.WriteBundle(_directory);
        await using var validators = await Validators.CreateAsync(settings, TimeProvider.System);

        Assert.False(validators.Issuers.IsReady);
        Assert.Equal(0, _server.Hits("/jwks"));
        var failure = Assert.Single(validators.Logs.GetSnapshot(), r => r.Id.Id == 1311);
        Assert.Contains("(tls)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("does not lead to the CA bundle", failure.Message, StringComparison.Ordinal);
        Assert.Contains(_server.Url("/jwks").ToString(), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaBundleReplaced_IsReadAgain_WithNoRestart()
    {
        using var other = new TestCertificateAuthority("Another CA");
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var time = ProxyHost.FakeClock();
        var bundle = Path.Combine(_directory, "provider-ca.pem");
        await File.WriteAllTextAsync(bundle, other.Certificate.ExportCertificatePem());
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("Security:JWT:Providers:idp:CaCertificate", bundle), ("AuthProxy:KeyFetch:MaxRetries", "0")), time);
        Assert.False(validators.Issuers.IsReady);

        // The operator fixes the bundle: the next check of the files (every second) reads it again.
        await ProxyHost.ReplaceFileAsync(bundle, _ca.Certificate.ExportCertificatePem());
        time.Advance(AuthProxy.Tls.TlsFileMonitor.Interval);
        time.Advance(TimeSpan.FromSeconds(30));
        await RefreshDueAsync(validators);

        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 2001 && r.Message.Contains(bundle, StringComparison.Ordinal));
        Assert.True(validators.Issuers.IsReady);
        Assert.True((await validators.ValidateAsync(key.Sign(Claims("https://idp.example")))).Succeeded);
    }

    [Fact]
    public async Task ProvidersOwnCa_OverridesTheGlobalOne()
    {
        using var other = new TestCertificateAuthority("Another CA");
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var settings = Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("Security:JWT:Providers:idp:CaCertificate", _bundle));
        settings["Security:JWT:CaCertificate"] = other.WriteBundle(_directory);
        await using var validators = await Validators.CreateAsync(settings, TimeProvider.System);

        Assert.True(validators.Issuers.IsReady);
    }

    [Fact]
    public async Task HostNameMismatch_IsRefused()
    {
        using var key = TestKey.Rsa("k1");
        using var misnamed = Start(_ca.IssueServer("keys.example.com"));
        misnamed.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", misnamed.Url("/jwks").ToString()), TimeProvider.System);

        Assert.False(validators.Issuers.IsReady);
        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("does not match the host name", StringComparison.Ordinal));
        Assert.Equal(0, misnamed.Hits("/jwks"));
    }

    [Fact]
    public async Task Redirects_SameHostFollowed_OtherHostOrPlainHttpRefused()
    {
        using var key = TestKey.Rsa("k1");
        var plain = $"http://localhost:{_server.Ports[0]}";
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        _server.Serve("/moved", Response.Create().WithStatusCode(302).WithHeader("Location", "/jwks"));
        _server.Serve("/away", Response.Create().WithStatusCode(302).WithHeader("Location", "https://attacker.example/jwks"));
        _server.Serve("/downgrade", Response.Create().WithStatusCode(301).WithHeader("Location", plain + "/jwks"));

        await using (var same = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/moved").ToString()), TimeProvider.System))
        {
            Assert.True(same.Issuers.IsReady);
            Assert.Equal(1, _server.Hits("/moved"));
            Assert.Equal(1, _server.Hits("/jwks"));
        }

        await using var away = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/away").ToString()), TimeProvider.System);
        Assert.False(away.Issuers.IsReady);
        Assert.Contains(away.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("redirect to another host refused (https://attacker.example)", StringComparison.Ordinal));

        // The same host and port, but without TLS: refused, never fetched.
        await using var downgrade = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/downgrade").ToString()), TimeProvider.System);
        Assert.False(downgrade.Issuers.IsReady);
        Assert.Contains(downgrade.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("(redirect)", StringComparison.Ordinal)
            && r.Message.Contains($"refused ({plain})", StringComparison.Ordinal));
        Assert.Equal(1, _server.Hits("/downgrade"));
        Assert.Equal(1, _server.Hits("/jwks"));
    }

    [Fact]
    public async Task OversizedResponse_IsRefused()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(new string(' ', 4096) + TestKey.Jwks(key)));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString(),
            ("AuthProxy:KeyFetch:MaxResponseBytes", "2048")), TimeProvider.System);

        Assert.False(validators.Issuers.IsReady);
        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains("(too_large)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeakKeysInAJwks_AreSkipped_StrongOnesUsed()
    {
        using var weak = TestKey.Rsa("weak", bits: 1024);
        using var strong = TestKey.Rsa("strong");
        var encryption = strong.Jwk();
        encryption["use"] = "enc";
        encryption["kid"] = "enc";
        var jwks = new JsonObject { ["keys"] = new JsonArray(weak.Jwk(), strong.Jwk(), encryption, new JsonObject { ["kty"] = "unknown", ["kid"] = "x" }) };
        _server.Serve("/jwks", Ok(jwks.ToJsonString()));
        await using var validators = await Validators.CreateAsync(Provider("idp", "https://idp.example", _server.Url("/jwks").ToString()), TimeProvider.System);

        Assert.True((await validators.ValidateAsync(strong.Sign(Claims("https://idp.example")))).Succeeded);
        Assert.Equal("verification", (await validators.ValidateAsync(weak.Sign(Claims("https://idp.example")))).Refusal.Reason);
        Assert.Contains(validators.Logs.GetSnapshot(), r => r.Id.Id == 1312 && r.Message.Contains("1024 bits", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fetches_AreCountedByOutcome()
    {
        using var key = TestKey.Rsa("k1");
        _server.Serve("/jwks", Ok(TestKey.Jwks(key)));
        _server.Serve("/missing", Response.Create().WithStatusCode(404));
        var settings = Provider("idp", "https://idp.example", _server.Url("/jwks").ToString());
        settings["Security:JWT:Providers:idp:Keys:1"] = _server.Url("/missing").ToString();
        var time = ProxyHost.FakeClock();
        await using var validators = await Validators.CreateAsync(settings, time);
        using var collector = new MetricCollector<long>(validators.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.key.fetches");

        time.Advance(TimeSpan.FromMinutes(5));
        await RefreshDueAsync(validators);

        var outcomes = collector.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).Order().ToList();
        Assert.Equal(["http_status", "success"], outcomes);
    }

    private static Task RefreshDueAsync(Validators validators) =>
        validators.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<KeyRefreshService>().Single().RefreshDueAsync();
}
