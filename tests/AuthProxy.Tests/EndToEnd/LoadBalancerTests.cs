using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Behind a load balancer: forwarded client addresses from trusted proxies only.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class LoadBalancerTests(BackendProcess backend)
{
    [Fact]
    public async Task TrustedProxy_ForwardedClientAddress_IsUsedForThrottlingAndTheBackend()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:TrustedProxies:0"] = "127.0.0.0/8",
            ["AuthProxy:Throttling:AddressFailures"] = "2",
            ["AuthProxy:Throttling:AccountFailures"] = "100",
        });

        HttpRequestMessage From(string client, string user, string password)
        {
            var request = Http.Get("/restpp/query/social/q").WithBasic(user, password);
            request.Headers.Add("X-Forwarded-For", client);
            return request;
        }

        using (var echoed = await proxy.Client.SendAsync(From("203.0.113.7", "kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal("203.0.113.7", (await echoed.EchoAsync()).GetProperty("headers").GetProperty("X-Forwarded-For").GetString());
        }

        for (var i = 0; i < 2; i++)
        {
            using var failed = await proxy.Client.SendAsync(From("198.51.100.1", "kevin", "guess"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await proxy.Client.SendAsync(From("198.51.100.1", "kevin", TestUsers.KevinPassword));
        using var otherClient = await proxy.Client.SendAsync(From("203.0.113.7", "kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7, 10.1.2.3", "203.0.113.7")] // client, then an inner trusted load balancer
    [InlineData("6.6.6.6, 203.0.113.7", "203.0.113.7")] // the client's own entry on the left is not believed
    [InlineData("6.6.6.6, 203.0.113.7, 10.1.2.3", "203.0.113.7")]
    public async Task AChainOfTrustedProxies_IsWalkedUpToTheFirstUntrustedAddress(string forwardedFor, string client)
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:TrustedProxies:0"] = "127.0.0.1",
            ["AuthProxy:TrustedProxies:1"] = "10.0.0.0/8",
        });
        var request = Http.Get("/restpp/echo/x");
        request.Headers.Add("X-Forwarded-For", forwardedFor);

        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(client, (await response.EchoAsync()).GetProperty("headers").GetProperty("X-Forwarded-For").GetString());
    }

    [Fact]
    public async Task ForwardedHeaders_AreIgnored_WithoutTrustedProxies()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var request = Http.Get("/restpp/echo/x");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal("127.0.0.1", (await response.EchoAsync()).GetProperty("headers").GetProperty("X-Forwarded-For").GetString());
    }

    [Fact]
    public async Task ABadTrustedProxy_StopsTheStart()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:TrustedProxies:0"] = "the-load-balancer" }));
        Assert.Contains(failure.Problems, p => p.Contains("'the-load-balancer' is neither an IP address nor a CIDR network", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANegativeShutdownTimeout_StopsTheStart()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:ShutdownTimeout"] = "-00:00:05" }));
        Assert.Contains(failure.Problems, p => p.Contains("AuthProxy:ShutdownTimeout must be from 00:00:00 to 01:00:00", StringComparison.Ordinal));
    }
}
