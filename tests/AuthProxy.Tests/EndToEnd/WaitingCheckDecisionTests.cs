using System.Net;
using AuthProxy.Tests.Common;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A token whose check waits (its key id is new, so its provider's keys are fetched first) is
/// decided after the wait like any other: its identity is forwarded, a refusal is answered as the
/// full path answers it, and nothing of it reaches the next request on the same connection.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WaitingCheckDecisionTests(BackendProcess backend) : IAsyncLifetime
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
