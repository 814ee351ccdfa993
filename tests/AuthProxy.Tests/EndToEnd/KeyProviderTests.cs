using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>The proxy with a real identity provider's keys: readiness and refusals while the provider is down.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyProviderTests(BackendProcess backend) : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new();
    private KeyServer _idp = null!;
    private string _bundle = null!;

    public async Task InitializeAsync()
    {
        _idp = await KeyServer.StartAsync(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(ProxyHost.CreateDirectory());
    }

    public async Task DisposeAsync()
    {
        await _idp.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task ProviderDownAtStart_NotReady_RefusesWithKeyUnavailable_ThenRecovers()
    {
        using var key = TestKey.Ec("k1");
        _idp.Fail("/jwks", 503);
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
            Assert.Equal("key-unavailable", (await refused.JsonAsync()).GetProperty("reason").GetString());
        }

        // The provider comes back; the background refresh loads the keys.
        _idp.Serve("/jwks", TestKey.Jwks(key));
        await ProxyHost.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(30));
            using var ready = await proxy.Client.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "the keys load");

        using var allowed = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
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
}
