using System.Net;
using System.Text;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The token services' state-changing endpoints refuse requests a page of another site makes a
/// browser send (form posts, fetches), and keep serving pyTigerGraph, curl and GraphQL clients.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrossSiteTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
        settings: new Dictionary<string, string> { ["AuthProxy:TokenServices:AllowedOrigins:0"] = "https://console.example" });

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static HttpRequestMessage Form(HttpMethod method, string path, string body = "")
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        return request.WithBasic("kevin", TestUsers.KevinPassword);
    }

    public static TheoryData<string, string, string> CrossSiteRequests() => new()
    {
        { "POST", "/gsql/v1/secrets?alias=evil", "Origin: https://evil.example" },
        { "POST", "/gsql/v1/secrets?alias=evil", "Origin: null" },
        { "POST", "/gsql/v1/secrets?alias=evil", "Sec-Fetch-Site: cross-site" },
        { "POST", "/gsql/v1/secrets?alias=evil", "Sec-Fetch-Site: same-site" },
        { "POST", "/gsql/v1/secrets?alias=evil", "Referer: https://evil.example/page" },
        { "POST", "/gsql/v1/tokens", "Origin: https://evil.example" },
        { "DELETE", "/gsql/v1/tokens?clear=true", "Origin: https://evil.example" },
        { "DELETE", "/gsql/v1/secrets/x", "Origin: https://evil.example" },
        { "POST", "/management/v1/authentication/login", "Origin: https://evil.example" },
        { "DELETE", "/management/v1/authentication/jwt?username=kevin", "Sec-Fetch-Site: cross-site" },
        { "POST", "/api/graphql", "Origin: http://127.0.0.1.evil.example" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteRequests))]
    public async Task CrossSiteRequests_AreRefused(string method, string path, string header)
    {
        var request = Form(new HttpMethod(method), path, "query=mutation%7B%7D");
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        request.Headers.TryAddWithoutValidation(header[..colon], header[(colon + 2)..]);
        using var response = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("cross-site", (await response.JsonAsync()).GetProperty("reason").GetString());
        using var list = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(0, (await list.JsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task NonBrowserClients_SameOriginPages_AndAllowedOrigins_AreServed()
    {
        // curl -X POST -d '' (a form content type, no Origin), as TigerGraph's documentation does it.
        using var curl = await _proxy.Client.SendAsync(Form(HttpMethod.Post, "/gsql/v1/secrets?alias=a"));
        // pyTigerGraph: JSON content type, empty body, no Origin.
        using var python = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=b", "").WithBasic("kevin", TestUsers.KevinPassword));
        var same = Form(HttpMethod.Post, "/gsql/v1/secrets?alias=c");
        same.Headers.TryAddWithoutValidation("Origin", _proxy.BaseAddress.GetLeftPart(UriPartial.Authority));
        same.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        using var sameOrigin = await _proxy.Client.SendAsync(same);
        var console = Form(HttpMethod.Post, "/gsql/v1/secrets?alias=d");
        console.Headers.TryAddWithoutValidation("Origin", "https://console.example");
        console.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        using var allowed = await _proxy.Client.SendAsync(console);
        using var graphql = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new { query = "{ __typename }" }).WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.OK, curl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, python.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, graphql.StatusCode);
    }

    [Fact]
    public async Task ReadingEndpoints_AndProxiedRoutes_AreNotAffected()
    {
        var list = Http.Json(HttpMethod.Get, "/gsql/v1/secrets").WithBasic("kevin", TestUsers.KevinPassword);
        list.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        using var listed = await _proxy.Client.SendAsync(list);
        var proxied = Http.Get("/restpp/echo/x");
        proxied.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        using var echoed = await _proxy.Client.SendAsync(proxied);

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
    }
}
