using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A body is read for refused parameters (and, on routes whose graph is a query parameter, for the
/// graph) whenever some common backend would read parameters from it, however its <c>Content-Type</c>
/// is spelt: classic ASP.NET, Symfony and Laravel take any type that starts with
/// <c>application/x-www-form-urlencoded</c> for a form, Rack strips trailing vertical tabs and form
/// feeds, Jetty removes a charset wherever it stands. A spelling AuthProxy called "other" used to
/// let <c>_method</c> and a second graph through unread.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BodyTypeTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Routes = """
        ,
        "by-query-basic": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-query-basic", "Match": { "Path": "/q/{**rest}" } },
        "tenant": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/tenant/{**rest}" },
                    "Metadata": { "AuthProxy.RefuseParameters": "tenant_override" } }
        """;

    private const string Policies = """
        ,
        "graph-by-query-basic": { "Schemes": [ "Basic", "Bearer" ], "Graph": "query:graph", "Privileges": [ "READ_DATA" ] }
        """;

    /// <summary>Spellings of a form's media type that some common backend reads as a form, and AuthProxy used to read as "other".</summary>
    private static readonly string[] FormSpellings =
    [
        "application/x-www-form-urlencodedx", // classic ASP.NET, Symfony, Laravel: StartsWith
        "application/x-www-form-urlencoded\v", // Rack: rstrip removes a vertical tab
        "application/x-www-form-urlencoded\f", // ... and a form feed
        "application/x-www-form-urlencoded\v; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED-anything",
        "charset=utf-8; application/x-www-form-urlencoded", // a parameter before the type: Jetty removes the charset wherever it is
        "text/plain, application/x-www-form-urlencoded", // a list: a backend that takes the last one
    ];

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Policies, Routes));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static string Basic => "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("kevin:" + TestUsers.KevinPassword)) + "\r\n";

    /// <summary>Sends a body with the Content-Type exactly as given (control characters included), framed by Content-Length.</summary>
    private Task<(int Status, string Body)> SendAsync(string method, string target, string contentType, string body, string extraHeaders = "") =>
        Http.RawAsync(_proxy.BaseAddress, target,
            $"{extraHeaders}Content-Type: {contentType}\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\n", method, body);

    private async Task<int> ReceivedWholeAsync(string probe)
    {
        using var client = new HttpClient { BaseAddress = backend.BaseAddress };
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/_received/{probe}"));
        return document.RootElement.GetProperty("count").GetInt32();
    }

    private static void AssertRefused(int status, string body, int expectedStatus, string reason, string message, string what)
    {
        Assert.True(status == expectedStatus, $"{Show(what)}: {status} {body}");
        Assert.True(body.Contains($"\"reason\":\"{reason}\"", StringComparison.Ordinal), $"{Show(what)}: {body}");
        Assert.True(body.Contains(message, StringComparison.Ordinal), $"{Show(what)}: {body}");
    }

    private static string Show(string text) => text.Replace("\v", "\\v", StringComparison.Ordinal).Replace("\f", "\\f", StringComparison.Ordinal);

    [Fact]
    public async Task MethodOverrides_InFormsOfAnySpelling_AreRefused_AndNeverReachTheBackendWhole()
    {
        var probe = Guid.NewGuid().ToString("N");
        foreach (var type in FormSpellings)
        {
            // The finding: POST /restpp/echo with Content-Type application/x-www-form-urlencodedx was forwarded whole.
            var (status, body) = await SendAsync("POST", "/restpp/echo", type, "X-HTTP-Method-Override=DELETE&_method=DELETE", $"X-Probe: {probe}\r\n");

            AssertRefused(status, body, 400, "bad-parameter", "carries 'X-HTTP-Method-Override', a method override", type);
        }

        // None reached the backend whole; the same bodies without the override do.
        Assert.Equal(0, await ReceivedWholeAsync(probe));
        foreach (var type in FormSpellings)
        {
            var (status, body) = await SendAsync("POST", "/restpp/echo", type, "a=1&method=DELETE", $"X-Probe: {probe}\r\n");
            Assert.True(status == 200, $"{Show(type)}: {status} {body}");
        }

        Assert.Equal(FormSpellings.Length, await ReceivedWholeAsync(probe));
    }

    [Fact]
    public async Task GraphTwins_InFormsOfAnySpelling_AreRefused()
    {
        // The finding: PUT /q/items/1?graph=social with a form body of type ...urlencodedx naming finance was forwarded as social.
        foreach (var type in FormSpellings)
        {
            var (status, body) = await SendAsync("PUT", "/q/items/1?graph=social", type, "graph=finance", Basic);

            AssertRefused(status, body, 403, "graph-scope",
                "carries 'graph' in its body", type);
        }

        var (clean, cleanBody) = await SendAsync("PUT", "/q/items/1?graph=social", "application/x-www-form-urlencodedx", "limit=3", Basic);
        Assert.True(clean == 200, cleanBody);
        Assert.Equal("social", JsonDocument.Parse(cleanBody).RootElement.GetProperty("results").GetProperty("headers").GetProperty("X-AuthProxy-Graph").GetString());
    }

    [Fact]
    public async Task RouteParameters_InFormsOfAnySpelling_AreRefused()
    {
        foreach (var type in FormSpellings)
        {
            var (status, body) = await SendAsync("POST", "/tenant/x", type, "tenant_override=other");

            AssertRefused(status, body, 400, "bad-parameter", "carries 'tenant_override', a parameter this route refuses", type);
        }
    }

    [Fact]
    public async Task JsonAndMultipartFlavours_AreReadAsSuch()
    {
        (string Type, string Body)[] cases =
        [
            ("text/json", """{"_method":"DELETE"}"""),
            ("application/problem+json\v", """{"_method":"DELETE"}"""),
            ("application/x-json-stream", """{"_method":"DELETE"}"""),
            ("charset=utf-8; application/json", """{"_method":"DELETE"}"""),
            ("multipart/form-datax; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nDELETE\r\n--b--\r\n"),
            ("text/plain; x=multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nDELETE\r\n--b--\r\n"),
        ];

        foreach (var (type, sent) in cases)
        {
            var (status, body) = await SendAsync("POST", "/restpp/echo", type, sent);

            AssertRefused(status, body, 400, "bad-parameter", "carries '_method'", type);
        }
    }

    [Fact]
    public async Task EveryCharsetParameter_IsChecked()
    {
        // A backend that takes the last charset, or splits parameters at ',', reads UTF-16 where AuthProxy read UTF-8.
        string[] types =
        [
            "application/x-www-form-urlencoded; charset=utf-8; charset=utf-16",
            "application/json, charset=utf-16",
            "application/json; charset = utf-16",
            "application/x-www-form-urlencoded; charset*=utf-16''",
            "application/x-www-form-urlencoded;charset=\"utf-8\";CHARSET=utf-32",
            "application/x-www-form-urlencoded; charset\v=utf-16", // Django strips \v, \f and \x1c around the name and value (Python's strip())
            "application/x-www-form-urlencoded; charset=\vutf-16",
            "application/x-www-form-urlencoded; charset\u001c=utf-16",
            "application/x-www-form-urlencoded; charset*0*=utf-16''", // RFC 2231 continuations
            "application/x-www-form-urlencoded; charset*0=utf-16",
        ];

        foreach (var type in types)
        {
            var (status, body) = await SendAsync("POST", "/restpp/echo", type, "a=1");

            AssertRefused(status, body, 400, "bad-parameter", "which AuthProxy does not read", type);
        }

        var (plain, plainBody) = await SendAsync("POST", "/restpp/echo", "application/x-www-form-urlencoded; charset=utf-8; charset=UTF-8", "a=1");
        Assert.True(plain == 200, plainBody);
    }

    [Fact]
    public async Task FormsInWideEncodings_AreRefused()
    {
        // A UTF-16 form: a backend that takes the charset from a spelling AuthProxy did not read, or sniffs it, reads graph=finance.
        var wide = Encoding.Unicode.GetString(Encoding.Unicode.GetBytes("graph=finance")).Aggregate(new StringBuilder(), (b, c) => b.Append(c).Append('\0')).ToString();
        var (status, body) = await SendAsync("PUT", "/q/items/1?graph=social", "application/x-www-form-urlencoded", wide, Basic);
        var (guard, guardBody) = await SendAsync("POST", "/restpp/echo", "application/x-www-form-urlencoded", "a\0=\01\0&\0_\0m\0e\0t\0h\0o\0d\0=\0D\0");

        Assert.True(status == 400, body); // the refused-parameter check reads every form first
        Assert.Contains("it holds NUL bytes in its keys, as a form in UTF-16 or UTF-32 does", body, StringComparison.Ordinal);
        Assert.True(guard == 400, guardBody);
        Assert.Contains("it holds NUL bytes in its keys", guardBody, StringComparison.Ordinal);

        var (clean, cleanBody) = await SendAsync("POST", "/restpp/echo", "application/x-www-form-urlencoded", "a=%00&b=1");
        Assert.True(clean == 200, cleanBody); // an encoded NUL in a value is data
    }

    [Fact]
    public async Task OtherBodies_AreStillForwardedUnread()
    {
        string[] types = ["text/plain", "application/octet-stream", "text/csv; header=present", "application/xml", "image/png"];

        foreach (var type in types)
        {
            var (status, body) = await SendAsync("POST", "/restpp/echo", type, "_method=DELETE");

            Assert.True(status == 200, $"{type}: {status} {body}");
            Assert.Equal("_method=DELETE", JsonDocument.Parse(body).RootElement.GetProperty("results").GetProperty("body").GetString());
        }
    }
}
