using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The proxy with an identity provider's keys over real HTTPS (a WireMock.Net server): readiness and
/// refusals while the provider is down, and what each of its faults does to keys already in force.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyProviderTests(BackendProcess backend) : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new();
    private WireMockServer _idp = null!;
    private string _bundle = null!;

    public Task InitializeAsync()
    {
        _idp = Start(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(ProxyHost.CreateDirectory());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ProviderDownAtStart_NotReady_RefusesWithKeyUnavailable_ThenRecovers()
    {
        using var key = TestKey.Ec("k1");
        _idp.Serve("/jwks", Response.Create().WithStatusCode(503));
        var time = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time, settings: new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
            ["Security:JWT:Providers:corp:Keys:0"] = _idp.Url("/jwks").ToString(),
            ["AuthProxy:KeyFetch:MaxRetries"] = "0",
        });
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = "https://corp.example";
        var token = key.Sign(claims);

        using (var ready = await proxy.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("Security:JWT:Providers:corp:Keys:0", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var alive = await proxy.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        using (var refused = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var body = await refused.JsonAsync();
            Assert.Equal("key-unavailable", body.GetProperty("reason").GetString());
            Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' cannot be verified because the keys of Security:JWT:Providers:corp are not available",
                body.GetProperty("message").GetString());
        }

        // The provider comes back; the background refresh loads the keys.
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await ProxyHost.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(30));
            using var ready = await proxy.Client.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "the keys load");

        using var allowed = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    /// <summary>
    /// A fault of the provider, the outcome and cause the proxy reports for it, the attempt timeout
    /// that applies, and how many requests one refresh may make (transient faults are retried twice).
    /// </summary>
    public static TheoryData<string, string, string, string, int, int> Faults() => new()
    {
        { "empty response", "parse", "(it is empty)", "00:00:05", 1, 1 },
        { "malformed chunk", "parse", "the JWKS is not valid JSON", "00:00:05", 1, 1 },
        { "html page", "parse", "holds neither a PEM public key nor a JWKS (it looks like an HTML or XML page)", "00:00:05", 1, 1 },
        { "server error", "http_status", "HTTP 500", "00:00:05", 3, 3 },
        { "unavailable", "http_status", "HTTP 503", "00:00:05", 3, 3 },
        // A retry opens a fresh TLS connection, which on a loaded machine can outlast the attempt
        // timeout before its request reaches the server: at least the first attempt arrives.
        { "delay past the attempt timeout", "timeout", "no answer within", "00:00:00.500", 1, 3 },
    };

    /// <summary>What the provider answers in its faulty state; each answer carries the rotated key had it been served whole.</summary>
    private static IResponseBuilder Fault(string fault, string keys) => fault switch
    {
        "empty response" => Ok(keys).WithFault(FaultType.EMPTY_RESPONSE),
        "malformed chunk" => Ok(keys).WithFault(FaultType.MALFORMED_RESPONSE_CHUNK),
        "html page" => Ok("<!doctype html><html><body>maintenance</body></html>", "text/html"),
        "server error" => Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithBody(keys),
        "unavailable" => Response.Create().WithStatusCode(503),
        "delay past the attempt timeout" => Ok(keys).WithDelay(TimeSpan.FromSeconds(3)),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault"),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task AFaultyRefresh_KeepsTheLastGoodKeys_ReadinessNamesTheCause_ThenRecovers(
        string fault, string outcome, string cause, string attemptTimeout, int fewestRequests, int mostRequests)
    {
        using var key = TestKey.Ec("k1");
        using var rotated = TestKey.Ec("rotated");
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
            ["Security:JWT:Providers:corp:Keys:0"] = _idp.Url("/jwks").ToString(),
            ["AuthProxy:KeyFetch:MaxRetries"] = "2",
            ["AuthProxy:KeyFetch:RetryDelay"] = "00:00:00.010",
            ["AuthProxy:KeyFetch:AttemptTimeout"] = attemptTimeout,
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "00:00:01",
        });
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = "https://corp.example";
        Assert.Equal(HttpStatusCode.OK, await QueryAsync(proxy, key.Sign(claims)));
        Assert.Equal(1, _idp.Hits("/jwks"));

        // The provider turns faulty; a token with a kid the proxy lacks makes it refresh at once.
        _idp.Serve("/jwks", Fault(fault, TestKey.Jwks(key, rotated)));
        Assert.Equal(HttpStatusCode.Unauthorized, await QueryAsync(proxy, rotated.Sign(claims)));

        using (var ready = await proxy.Client.GetAsync("/readyz"))
        {
            var body = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"status\":\"Degraded\"", body, StringComparison.Ordinal);
            Assert.Contains(cause, body, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, await QueryAsync(proxy, key.Sign(claims)));
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1311 && r.Message.Contains($"failed ({outcome})", StringComparison.Ordinal)
            && r.Message.Contains("the last good keys stay in force", StringComparison.Ordinal));

        // Requests the refresh made, as the provider logged them (a delayed one once its delay is over).
        await ProxyHost.EventuallyAsync(() => Task.FromResult(_idp.Hits("/jwks") - 1 >= fewestRequests), "the refresh's requests are logged");
        Assert.InRange(_idp.Hits("/jwks") - 1, fewestRequests, mostRequests);

        // The provider recovers: the next refresh for the unknown kid brings the rotated key in.
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key, rotated)));
        await ProxyHost.EventuallyAsync(async () => await QueryAsync(proxy, rotated.Sign(claims)) == HttpStatusCode.OK, "the rotated key loads");
        using (var ready = await proxy.Client.GetAsync("/readyz"))
        {
            Assert.DoesNotContain("Degraded", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static async Task<HttpStatusCode> QueryAsync(ProxyHost proxy, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task BadProviderAndFetchSettings_StopTheStart_ListingEveryProblem()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["Security:JWT:Providers:a:Keys:0"] = _idp.Url("/jwks").ToString(),
                ["Security:JWT:Providers:b:Issuer"] = "https://b.example",
                ["Security:JWT:Providers:b:Algorithms:0"] = "HS1",
                ["Security:JWT:Providers:b:Audience"] = "typo",
                ["Security:JWT:Providers:c:Issuer"] = "https://b.example",
                ["Security:JWT:Providers:c:CaCertificate"] = "/no/such/bundle.pem",
                ["Security:JWT:Providers:d:Issuer"] = "https://d.example",
                ["Security:JWT:Providers:d:Keys:0"] = "http://127.0.0.1:1/jwks",
                ["Security:JWT:Providers:e:Issuer"] = "not a url",
                ["AuthProxy:KeyFetch:MaxRetries"] = "99",
                ["AuthProxy:KeyFetch:TotalTimeout"] = "00:00:01",
            }));

        string[] expected =
        [
            "Security:JWT:Providers:a:Issuer: is required",
            "'HS1' is not one of",
            "Security:JWT:Providers:b: unknown setting 'Audience'",
            "Security:JWT:Providers:c:CaCertificate (/no/such/bundle.pem): the CA bundle cannot be read",
            "Security:JWT:Providers:c:Issuer: 'https://b.example' is already declared by Security:JWT:Providers:b",
            "Security:JWT:Providers:d:Keys:0 (http://127.0.0.1:1/jwks): key URLs must be absolute https URLs",
            "Security:JWT:Providers:e: has no Keys, so its keys come from OIDC discovery, which needs an https Issuer URL",
            "MaxRetries",
            "TotalTimeout (00:00:01) must be at least AttemptTimeout",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(failure.Problems, p => p.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A token whose check waits (its key id is new, so the provider's keys are fetched first) is
    /// decided after the wait like any other: its identity is forwarded, a refusal is answered as the
    /// full path answers it, and nothing of it reaches the next request on the same connection.
    /// </summary>
    [Fact]
    public async Task ATokenWhoseCheckWaits_IsForwardedWithItsIdentity_AndLeavesNothingToTheNextRequest()
    {
        using var key = TestKey.Ec("k1");
        using var rotated = TestKey.Ec("rotated");
        using var third = TestKey.Ec("third");
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
            ["Security:JWT:Providers:corp:Keys:0"] = _idp.Url("/jwks").ToString(),
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "00:00:01",
        });
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = proxy.BaseAddress };
        var claims = TestTokens.Claims("kevin", "social");
        claims["iss"] = "https://corp.example";

        // A key id the proxy lacks: the check waits on a slow fetch of the provider's keys, then decides.
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key, rotated)).WithDelay(TimeSpan.FromMilliseconds(300)));
        using (var allowed = await client.SendAsync(Http.Get("/restpp/query/social/q", rotated.Sign(claims))))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            var headers = (await allowed.EchoAsync()).GetProperty("headers");
            Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());
            Assert.Equal("social", headers.GetProperty("X-AuthProxy-Graph").GetString());
            Assert.Equal("Bearer", headers.GetProperty("X-AuthProxy-Auth-Scheme").GetString());
        }

        using (var anonymous = await client.SendAsync(Http.Get("/restpp/echo/next")))
        {
            var headers = (await anonymous.EchoAsync()).GetProperty("headers");
            Assert.False(headers.TryGetProperty("X-AuthProxy-User", out _));
            Assert.False(headers.TryGetProperty("X-AuthProxy-Graph", out _));
            Assert.False(headers.TryGetProperty("X-AuthProxy-Auth-Scheme", out _));
        }

        // Past the refresh interval, another new key id: the check waits again, and the policy refuses.
        await Task.Delay(1200);
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key, rotated, third)).WithDelay(TimeSpan.FromMilliseconds(300)));
        using (var refused = await client.SendAsync(Http.Get("/restpp/graph/social/vertices", third.Sign(claims))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var body = await refused.JsonAsync();
            Assert.Equal("privilege", body.GetProperty("reason").GetString());
            Assert.Equal("Access Denied because user kevin lacks WRITE_DATA on graph social", body.GetProperty("message").GetString());
        }

        using (var bare = await client.SendAsync(Http.Get("/restpp/query/social/q")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        }

        using (var again = await client.SendAsync(Http.Get("/restpp/query/social/q", rotated.Sign(claims))))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("kevin", (await again.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
        }
    }
}
