using System.Net;
using System.Net.Sockets;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>When the backend misbehaves the client still gets the documented body, never a bare 5xx.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackendFailureTests(BackendProcess backend)
{
    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    [Fact]
    public async Task BackendDown_Is502_InTheRoutesStyle()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(ClosedPort()));

        using var restpp = await proxy.Client.SendAsync(Http.Get("/restpp/echo/x"));
        using var problem = await proxy.Client.SendAsync(Http.Get("/management/v1/x").WithBasic("tigergraph", TestUsers.TigerGraphPassword));

        Assert.Equal(HttpStatusCode.BadGateway, restpp.StatusCode);
        var body = await restpp.JsonAsync();
        Assert.Equal("AUTHPROXY-502", body.GetProperty("code").GetString());
        Assert.Equal("upstream-unavailable", body.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.BadGateway, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task BackendTooSlow_Is504()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress).Replace(
            "\"restpp\": { \"Destinations\"",
            "\"restpp\": { \"HttpRequest\": { \"ActivityTimeout\": \"00:00:00.500\" }, \"Destinations\"", StringComparison.Ordinal)
            + string.Empty;
        routes = routes.Replace("\"restpp-echo\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"anonymous\", \"Match\": { \"Path\": \"/restpp/echo/{**rest}\" } },",
            "\"restpp-echo\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"anonymous\", \"Match\": { \"Path\": \"/restpp/echo/{**rest}\" } },\n\"sleep\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"anonymous\", \"Match\": { \"Path\": \"/restpp/sleep/{ms}\" } },", StringComparison.Ordinal);
        await using var proxy = await ProxyHost.StartAsync(routes);

        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/sleep/5000"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("AUTHPROXY-504", body.GetProperty("code").GetString());
        Assert.Equal("upstream-timeout", body.GetProperty("reason").GetString());
    }
}
