using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A route that allows POST must not carry a DELETE: Rack (Rails, Sinatra), Laravel, Symfony and
/// Express's method-override run a POST whose query or body holds <c>_method=DELETE</c> as DELETE,
/// past the stronger policy AuthProxy applies to DELETE. The parameter is refused on every route,
/// in every spelling, in the query string and in form, JSON and multipart bodies of any size.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MethodOverrideParameterTests(BackendProcess backend) : IAsyncLifetime
{
    /// <summary>DELETE of an item needs MANAGE_ACCESS_TOKENS; anything else on it is open.</summary>
    private const string Routes = """
        ,
        "item-delete": { "ClusterId": "restpp", "AuthorizationPolicy": "item-admin", "Match": { "Path": "/m/item/{id}", "Methods": [ "DELETE" ] } },
        "item": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/m/item/{id}" } }
        """;

    private const string TenantRoute = """
        ,
        "tenant": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/tenant/{**rest}" },
                    "Metadata": { "AuthProxy.RefuseParameters": "debug, tenant_override" } }
        """;

    private const string Policies = """
        ,
        "item-admin": { "Schemes": [ "Bearer", "Basic" ], "Privileges": [ "MANAGE_ACCESS_TOKENS" ] }
        """;

    private const string Override = "a method override that Rails, Laravel, Symfony, Express and ServiceStack honour; send the method as the request's own method";

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Policies, Routes));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static HttpRequestMessage Post(string path, HttpContent? content, string? probe = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (probe is not null)
        {
            request.Headers.Add("X-Probe", probe);
        }

        return request;
    }

    private static void AssertRefused(HttpStatusCode status, string body, string message, string what)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{what}: {status} {body}");
        Assert.True(body.Contains("\"reason\":\"bad-parameter\"", StringComparison.Ordinal), $"{what}: {body}");
        Assert.True(body.Contains("\"code\":\"AUTHPROXY-400\"", StringComparison.Ordinal), $"{what}: {body}");
        Assert.True(body.Contains(message, StringComparison.Ordinal), $"{what}: {body}");
    }

    /// <summary>How many requests with this X-Probe the backend received with their body whole.</summary>
    private async Task<int> ReceivedWholeAsync(string probe)
    {
        using var client = new HttpClient { BaseAddress = backend.BaseAddress };
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/_received/{probe}"));
        return document.RootElement.GetProperty("count").GetInt32();
    }

    [Fact]
    public async Task MethodOverride_InTheQuery_IsRefused_InEverySpelling_OnEveryRoute()
    {
        // The finding: POST is open, DELETE needs a privilege; ?_method=DELETE turns the first into the second at Rack.
        var (status, body) = await SendAsync(_proxy.Client, Post("/m/item/1?_method=DELETE", Form("x=1")));
        AssertRefused(status, body, $"The request is refused because it carries query parameter '_method', {Override}", "?_method");

        (string Query, string Shown)[] queries =
        [
            ("?_METHOD=DELETE", "'_METHOD', which backends may read as '_method'"),
            ("?%5Fmethod=DELETE", "'%5Fmethod', which backends may read as '_method'"),
            ("?_method[]=DELETE", "'_method[]', which backends may read as '_method'"),
            ("?.method=DELETE", "'.method', which backends may read as '_method'"),
            ("?_method%00=DELETE", "'_method%00', which backends may read as '_method'"),
            ("?a=1;_method=DELETE", "'_method', a method override"), // older Python and Perl split on ';'
            ("?a=1&_m%65thod=DELETE", "'_m%65thod', which backends may read as '_method'"),
            ("?_%25%36%64ethod=DELETE", "'_%25%36%64ethod', which backends may read as '_method'"), // decoded twice
            ("?X-HTTP-Method-Override=DELETE", "'X-HTTP-Method-Override', a method override"), // ServiceStack reads it from the query
            ("?x-http-method-override=PUT", "'x-http-method-override', which backends may read as 'X-HTTP-Method-Override'"),
        ];
        foreach (var (query, shown) in queries)
        {
            var (queryStatus, queryBody) = await Http.RawAsync(_proxy.BaseAddress, "/m/item/1" + query, method: "POST"); // the bytes as written
            AssertRefused((HttpStatusCode)queryStatus, queryBody, "carries query parameter " + shown, query);
        }

        // Every route, every method: authenticated routes and GETs too.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var (get, getBody) = await SendAsync(_proxy.Client, Http.Get("/restpp/query/social/q?_method=DELETE", token));
        AssertRefused(get, getBody, "query parameter '_method'", "GET on an authenticated route");

        // What the override would have bypassed, and that the plain POST still works.
        var (delete, _) = await SendAsync(_proxy.Client, new HttpRequestMessage(HttpMethod.Delete, "/m/item/1"));
        var (post, postBody) = await SendAsync(_proxy.Client, Post("/m/item/1?method=DELETE&x_method=1", Form("x=1")));
        Assert.Equal(HttpStatusCode.Unauthorized, delete);
        Assert.Equal(HttpStatusCode.OK, post);
        Assert.Equal("POST", JsonDocument.Parse(postBody).RootElement.GetProperty("results").GetProperty("method").GetString());
    }

    [Fact]
    public async Task MethodOverride_InABody_IsRefused_AndNeverReachesTheBackendWhole()
    {
        var probe = Guid.NewGuid().ToString("N");
        using var multipart = new MultipartFormDataContent { { new StringContent("1"), "a" }, { new StringContent("DELETE"), "_method" } };
        using var extended = new MultipartFormDataContent("b");
        extended.Add(new StringContent("DELETE"), "x");
        extended.Single().Headers.ContentDisposition = ContentDispositionHeaderValue.Parse("form-data; name*=UTF-8''%5Fmethod");
        (HttpContent Content, string Shown)[] cases =
        [
            (Form("_method=DELETE"), "its body (application/x-www-form-urlencoded) carries '_method', " + Override),
            (Form("a=1&_METHOD=DELETE"), "carries '_METHOD', which backends may read as '_method'"),
            (Form("a=1&%5Fmethod=DELETE"), "carries '%5Fmethod'"),
            (Form("a=1&_method"), "carries '_method'"), // the very last bytes of the body
            (Form(new string('a', 300_000) + "=1&_method=DELETE"), "carries '_method'"), // no size bound
            (new ByteArrayContent("_method=DELETE"u8.ToArray()), "its body (no Content-Type) carries '_method'"), // Rack reads an untyped POST as a form
            (new StringContent("""{"id":1,"_method":"DELETE"}""", Encoding.UTF8, "application/json"), "its body (application/json) carries '_method'"), // Laravel
            (multipart, "its body (multipart/form-data) carries '_method'"),
            (extended, "carries '%5Fmethod', which backends may read as '_method'"),
            (Form("X-HTTP-Method-Override=DELETE"), "carries 'X-HTTP-Method-Override'"),
        ];

        foreach (var (content, shown) in cases)
        {
            var (status, body) = await SendAsync(_proxy.Client, Post("/m/item/1", content, probe));

            AssertRefused(status, body, shown, shown);
        }

        // Chunked, framed by hand.
        var (chunked, chunkedBody) = await Http.RawAsync(_proxy.BaseAddress, "/m/item/1",
            $"X-Probe: {probe}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n", "POST", "4\r\na=1&\r\nE\r\n_method=DELETE\r\n0\r\n\r\n");
        AssertRefused((HttpStatusCode)chunked, chunkedBody, "carries '_method'", "chunked");

        // None of them reached the backend complete; a clean one does.
        var (clean, _) = await SendAsync(_proxy.Client, Post("/m/item/1", Form("a=1"), probe));
        Assert.Equal(HttpStatusCode.OK, clean);
        Assert.Equal(1, await ReceivedWholeAsync(probe));
    }

    [Fact]
    public async Task LegitimateBodies_AreForwardedWhole()
    {
        var large = string.Concat(Enumerable.Range(0, 30_000).Select(i => $"k{i}=v{i}&")) + "method=DELETE";
        using var file = new MultipartFormDataContent("b")
        {
            { new StringContent("_method=DELETE\r\nContent-Type: x\r\n\r\n\"_method\": 1"), "file", "notes.txt" },
        };
        var fileText = await file.ReadAsStringAsync();
        (HttpContent Content, string Sent)[] cases =
        [
            (Form(large), large),
            (Form("a=_method&method=DELETE&x_method=1"), "a=_method&method=DELETE&x_method=1"),
            (new StringContent("""{"a":{"_method":"DELETE"},"b":"_method"}""", Encoding.UTF8, "application/json"), """{"a":{"_method":"DELETE"},"b":"_method"}"""),
            (new StringContent("_method=DELETE", Encoding.UTF8, "text/plain"), "_method=DELETE"), // no backend reads parameters from text/plain
            (file, fileText),
        ];

        foreach (var (content, sent) in cases)
        {
            var (status, body) = await SendAsync(_proxy.Client, Post("/m/item/1", content));

            Assert.True(status == HttpStatusCode.OK, $"{sent[..Math.Min(sent.Length, 40)]}: {status} {body[..Math.Min(body.Length, 400)]}");
            var echo = JsonDocument.Parse(body).RootElement.GetProperty("results");
            Assert.Equal("POST", echo.GetProperty("method").GetString());
            Assert.Equal(sent, echo.GetProperty("body").GetString());
        }
    }

    [Fact]
    public async Task BodiesAuthProxyCannotCheck_AreRefused()
    {
        var gzip = Form("_method=DELETE");
        gzip.Headers.ContentEncoding.Add("gzip");
        var utf16 = new ByteArrayContent(Encoding.Unicode.GetBytes("_method=DELETE"));
        utf16.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-16");
        var octets = new ByteArrayContent([1, 2, 3]);
        octets.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        octets.Headers.ContentEncoding.Add("gzip");

        var (gzipStatus, gzipBody) = await SendAsync(_proxy.Client, Post("/m/item/1", gzip));
        var (utf16Status, utf16Body) = await SendAsync(_proxy.Client, Post("/m/item/1", utf16));
        var (octetStatus, _) = await SendAsync(_proxy.Client, Post("/m/item/1", octets));

        AssertRefused(gzipStatus, gzipBody,
            "its body (application/x-www-form-urlencoded) cannot be checked for parameters AuthProxy refuses, such as the method override '_method': it is compressed (Content-Encoding: gzip)", "gzip");
        AssertRefused(utf16Status, utf16Body, "it declares charset utf-16, which AuthProxy does not read", "utf-16");
        Assert.Equal(HttpStatusCode.OK, octetStatus); // not a parameter body: forwarded as it is
    }

    [Fact]
    public async Task RouteParameters_AreRefusedOnThatRouteOnly()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Policies, Routes + TenantRoute));

        var (status, body) = await SendAsync(proxy.Client, Post("/tenant/x?Debug=1", null));
        var (formStatus, formBody) = await SendAsync(proxy.Client, Post("/tenant/x", Form("tenant_override=other")));
        var (elsewhere, _) = await SendAsync(proxy.Client, Post("/m/item/1?debug=1", Form("tenant_override=other")));
        var (defaults, defaultsBody) = await SendAsync(proxy.Client, Post("/tenant/x?_method=PUT", null));

        AssertRefused(status, body, "carries query parameter 'Debug', which backends may read as 'debug', a parameter this route refuses (AuthProxy.RefuseParameters)", "?Debug");
        AssertRefused(formStatus, formBody, "its body (application/x-www-form-urlencoded) carries 'tenant_override', a parameter this route refuses", "tenant_override");
        Assert.Equal(HttpStatusCode.OK, elsewhere);
        AssertRefused(defaults, defaultsBody, "'_method'", "the defaults stay");
    }

    [Fact]
    public async Task MalformedRefuseParameters_AreRoutesFileProblems()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress, extraRoutes: """
            ,
            "bad": { "ClusterId": "restpp", "Match": { "Path": "/bad" }, "Metadata": { "AuthProxy.RefuseParameters": "ok, a b, x=y," } }
            """);

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad: Metadata AuthProxy.RefuseParameters: 'a b' is not a parameter name", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad: Metadata AuthProxy.RefuseParameters: 'x=y' is not a parameter name", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad: Metadata AuthProxy.RefuseParameters: an entry is empty", StringComparison.Ordinal));
    }
}
