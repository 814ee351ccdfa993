using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A policy that reads the graph from a query parameter checks that graph; PHP's $_REQUEST, Rails'
/// params, Laravel's input() and ASP.NET model binding read the same name from a form body (Rails,
/// Laravel and ASP.NET from a JSON body too, PHP from a cookie) and prefer it. Such a body must not
/// name another graph, in any spelling, and a body AuthProxy cannot read that way is refused.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GraphBodyTwinTests(BackendProcess backend) : IAsyncLifetime
{
    /// <summary>The finding's route: the graph from ?graph=, Basic accepted.</summary>
    private const string Routes = """
        ,
        "by-query-basic": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-query-basic", "Match": { "Path": "/q/{**rest}" } }
        """;

    private const string Policies = """
        ,
        "graph-by-query-basic": { "Schemes": [ "Basic", "Bearer" ], "Graph": "query:graph", "Privileges": [ "READ_DATA" ] }
        """;

    private const string Twin = "which backends may read as query parameter 'graph'; send the graph only as query parameter 'graph'";

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private Task<ProxyHost> StartAsync(IDictionary<string, string>? settings = null) =>
        ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Policies, Routes), settings: settings);

    private static HttpRequestMessage Post(string path, HttpContent? content) =>
        new HttpRequestMessage(HttpMethod.Post, path) { Content = content }.WithBasic("kevin", TestUsers.KevinPassword);

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static void AssertRefused(HttpStatusCode status, string body, string message, string what)
    {
        Assert.True(status == HttpStatusCode.Forbidden, $"{what}: {status} {body}");
        Assert.True(body.Contains("\"reason\":\"graph-scope\"", StringComparison.Ordinal), $"{what}: {body}");
        Assert.True(body.Contains(message, StringComparison.Ordinal), $"{what}: {body}");
    }

    private static JsonElement Echo(string body) => JsonDocument.Parse(body).RootElement.GetProperty("results");

    [Fact]
    public async Task FormBodyTwin_OfTheQueryGraph_IsRefused()
    {
        // The finding: checked as social, forwarded with graph=finance, which PHP and Rails read over the query.
        var (status, body) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", Form("graph=finance")));

        AssertRefused(status, body, $"Access Denied because the request carries 'graph' in its body (application/x-www-form-urlencoded), {Twin}", "graph=finance");

        string[] twins = ["Graph=finance", "a=1&graph[]=finance", "graph[0]=finance", "gr%61ph=finance", "gr%2561ph=finance", "a=1;graph=finance",
            "graph%00x=finance", "+graph+=finance", "GRAPH", "x=1&graph"];
        foreach (var form in twins)
        {
            var (twinStatus, twinBody) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", Form(form)));

            AssertRefused(twinStatus, twinBody, Twin, form);
        }
    }

    /// <summary>
    /// With a Bearer token the body is read too, for a token seen for the first time and for one
    /// already remembered: the policy's decision about the token is not the whole decision here.
    /// </summary>
    [Fact]
    public async Task BodyTwins_AreRefused_ForBearerTokens_NewOrRemembered()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        HttpRequestMessage WithToken(HttpContent content) =>
            new HttpRequestMessage(HttpMethod.Post, "/q/x?graph=social") { Content = content }.WithBearer(token);

        foreach (var attempt in new[] { "new", "remembered" })
        {
            var (formStatus, formBody) = await SendAsync(_proxy.Client, WithToken(Form("graph=finance")));
            var (jsonStatus, jsonBody) = await SendAsync(_proxy.Client, WithToken(Json("""{"graph":"finance"}""")));
            var (plainStatus, plainBody) = await SendAsync(_proxy.Client, WithToken(Json("""{"limit":3}""")));

            AssertRefused(formStatus, formBody, "'graph' in its body (application/x-www-form-urlencoded)", $"{attempt} token, form twin");
            AssertRefused(jsonStatus, jsonBody, "'graph' in its body (application/json)", $"{attempt} token, JSON twin");
            Assert.True(plainStatus == HttpStatusCode.OK, $"{attempt} token, no twin: {plainStatus} {plainBody}");
        }
    }

    [Fact]
    public async Task JsonAndUntypedBodyTwins_AreRefused()
    {
        (HttpContent Content, string Shown)[] cases =
        [
            (Json("""{"graph":"finance"}"""), "'graph' in its body (application/json)"),
            (Json("""{"limit":3,"Graph":"finance"}"""), "'Graph' in its body (application/json)"),
            (Json("""{"\u0067raph":"finance"}"""), "'graph' in its body (application/json)"),
            (new StringContent("""{"graph":"finance"}""", Encoding.UTF8, "application/vnd.api+json"), "'graph' in its body (application/vnd.api+json)"),
            (new ByteArrayContent("graph=finance"u8.ToArray()), "'graph' in its body (no Content-Type)"), // Rack reads an untyped POST as a form
        ];

        foreach (var (content, shown) in cases)
        {
            var (status, body) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", content));

            AssertRefused(status, body, shown, shown);
        }
    }

    [Fact]
    public async Task BodiesWithoutTheName_AreForwardedWhole()
    {
        (HttpContent Content, string Sent)[] cases =
        [
            (Form("limit=3&graphs=x&graph_name=y&v=graph"), "limit=3&graphs=x&graph_name=y&v=graph"),
            (Json("""{"x":{"graph":"finance"},"v":"graph"}"""), """{"x":{"graph":"finance"},"v":"graph"}"""),
            (Json("""[{"graph":"finance"}]"""), """[{"graph":"finance"}]"""),
            (new StringContent("graph=finance", Encoding.UTF8, "text/plain"), "graph=finance"), // no backend reads parameters from text/plain
        ];

        foreach (var (content, sent) in cases)
        {
            var (status, body) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", content));

            Assert.True(status == HttpStatusCode.OK, $"{sent}: {status} {body}");
            var echo = Echo(body);
            Assert.Equal(sent, echo.GetProperty("body").GetString());
            Assert.Equal(Encoding.UTF8.GetByteCount(sent).ToString(System.Globalization.CultureInfo.InvariantCulture),
                echo.GetProperty("headers").GetProperty("Content-Length").GetString());
            Assert.Equal("social", echo.GetProperty("headers").GetProperty("X-AuthProxy-Graph").GetString());
        }
    }

    [Fact]
    public async Task BodiesAuthProxyCannotRead_AreRefused_OnThisRoute()
    {
        using var multipart = new MultipartFormDataContent { { new StringContent("finance"), "graph" } };
        var gzip = Form("graph=finance");
        gzip.Headers.ContentEncoding.Add("gzip");
        var utf16 = new ByteArrayContent(Encoding.Unicode.GetBytes("graph=finance"));
        utf16.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-16");

        var (multipartStatus, multipartBody) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", multipart));
        var (gzipStatus, gzipBody) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", gzip));
        var (utf16Status, utf16Body) = await SendAsync(_proxy.Client, Post("/q/x?graph=social", utf16));
        var (twoStatus, twoBody) = await Http.RawAsync(_proxy.BaseAddress, "/q/x?graph=social",
            $"Authorization: Basic {Basic()}\r\nContent-Type: text/plain\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 13\r\n", "POST", "graph=finance");

        AssertRefused(multipartStatus, multipartBody,
            "the request body is multipart/form-data, which AuthProxy does not read on routes whose graph is query parameter 'graph'", "multipart");
        AssertRefused(gzipStatus, gzipBody, "cannot be checked for a graph that backends may read as query parameter 'graph': it is compressed (Content-Encoding: gzip)", "gzip");
        AssertRefused(utf16Status, utf16Body, "it declares charset utf-16, which AuthProxy does not read", "utf-16");
        AssertRefused((HttpStatusCode)twoStatus, twoBody, "it carries more than one Content-Type", "two Content-Types");
    }

    [Fact]
    public async Task BodiesOverTheBound_AreRefusedOnThisRoute_AndOnlyHere()
    {
        await using var proxy = await StartAsync(new Dictionary<string, string> { ["AuthProxy:MaxGraphBodyBytes"] = "1024" });
        var large = "limit=3&pad=" + new string('x', 2000);
        var small = "limit=3&pad=" + new string('x', 1000);
        var tigergraph = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("tigergraph:" + TestUsers.TigerGraphPassword));

        var (status, body) = await SendAsync(proxy.Client, Post("/q/x?graph=social", Form(large)));
        var (chunked, chunkedBody) = await Http.RawAsync(proxy.BaseAddress, "/q/x?graph=social",
            $"Authorization: Basic {Basic()}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n", "POST",
            $"{large.Length:X}\r\n{large}\r\n0\r\n\r\n");
        var (fits, fitsBody) = await SendAsync(proxy.Client, Post("/q/x?graph=social", Form(small)));
        var otherRoute = new HttpRequestMessage(HttpMethod.Post, "/restpp/graph/social/vertices") { Content = Form("graph=finance&" + large) };
        otherRoute.Headers.Authorization = AuthenticationHeaderValue.Parse(tigergraph);
        var (other, otherBody) = await SendAsync(proxy.Client, otherRoute);

        const string Bound = "the request body (application/x-www-form-urlencoded) is larger than 1024 bytes (AuthProxy:MaxGraphBodyBytes), too large to check for a graph that backends may read as query parameter 'graph'";
        AssertRefused(status, body, Bound, "Content-Length over the bound");
        AssertRefused((HttpStatusCode)chunked, chunkedBody, Bound, "chunked over the bound");
        Assert.Equal(HttpStatusCode.OK, fits);
        Assert.Equal(small, Echo(fitsBody).GetProperty("body").GetString());

        // A route whose graph is in its path never reads a body for this, whatever its size.
        Assert.Equal(HttpStatusCode.OK, other);
        Assert.Equal("graph=finance&" + large, Echo(otherBody).GetProperty("body").GetString());
    }

    [Fact]
    public async Task CookieTwin_IsRefused()
    {
        var twin = Post("/q/x?graph=social", null);
        twin.Headers.Add("Cookie", "session=1; graph=finance");
        var other = Post("/q/x?graph=social", null);
        other.Headers.Add("Cookie", "session=1; graphs=x; last_graph=finance");

        var (status, body) = await SendAsync(_proxy.Client, twin);
        var (otherStatus, otherBody) = await SendAsync(_proxy.Client, other);

        AssertRefused(status, body,
            "Access Denied because the request carries cookie 'graph', which backends (PHP's $_REQUEST, ASP.NET's Request[]) may read as query parameter 'graph'; "
            + "send the graph only as query parameter 'graph'", "cookie");
        Assert.True(otherStatus == HttpStatusCode.OK, otherBody);
    }

    [Fact]
    public async Task TheBodyIsCheckedAfterTheCredential()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/q/x?graph=social") { Content = Form("graph=finance") };

        var (status, body) = await SendAsync(_proxy.Client, request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("\"reason\":\"missing\"", body, StringComparison.Ordinal);
    }

    private static string Basic() => Convert.ToBase64String(Encoding.UTF8.GetBytes("kevin:" + TestUsers.KevinPassword));
}
