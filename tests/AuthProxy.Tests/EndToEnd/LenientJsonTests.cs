using System.Net;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A JSON body's member names are read as the most lenient common parser reads them: Json.NET
/// (ASP.NET Web API 2, AddNewtonsoftJson) takes comments, single-quoted and unquoted names;
/// JavaScriptSerializer (MVC 5) single-quoted and unquoted names; Ruby's json gem comments; JSON5
/// hex escapes; Jackson (Spring) UTF-16 and UTF-32 without a charset. A name any of them reads as
/// the graph or <c>_method</c> is refused.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LenientJsonTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Routes = """
        ,
        "by-query-basic": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-query-basic", "Match": { "Path": "/q/{**rest}" } }
        """;

    private const string Policies = """
        ,
        "graph-by-query-basic": { "Schemes": [ "Basic", "Bearer" ], "Graph": "query:graph", "Privileges": [ "READ_DATA" ] }
        """;

    /// <summary>Bodies whose top-level member "graph" some lenient parser reads; <c>{"graph":"finance"}</c> was already refused.</summary>
    public static TheoryData<string> GraphBodies() => new()
    {
        """{/*"a":*/"graph":"finance"}""", // the finding: a name inside a comment is not a name
        "{//\"a\":\n\"graph\":\"finance\"}",
        "{'graph':'finance'}",
        "{graph:\"finance\"}",
        "{ \"limit\" : 3 , /* \" */ 'Graph' : 'finance' }", // a quote inside a comment does not open a string
        "{\"limit\":3,//\"\n'graph':1}",
        "{\"limit\":3 # a YAML-style comment \"\n,\"graph\":1}",
        "{'gr\\x61ph':'finance'}", // JSON5's hex escape
        "{gr\\u0061ph:'finance'}", // a Unicode escape in an unquoted name
        "{\u3000graph:'finance'}", // Unicode whitespace before an unquoted name
        "{\u00a0'graph':'finance'}",
        "{\"limit\":3,/* */\n/**/graph\t:\t'finance'}",
        "{\"a\":\"it's\",\"graph\":\"finance\"}", // a single quote inside a double-quoted value
        "{'a':\"x'y\",graph:1}",
        "{\"a\":1 \"graph\":\"finance\"}", // no comma: no parser takes it, but ':' follows the string, so it is read as a name (fail closed)
        "{\"a\":[1,2,{\"b\":3}],\"graph\":\"finance\"}",
        "{\"a\":\"\\x\", \"graph\":\"finance\"}", // an escape cut short: Ruby's json before 2.17 reads \x as x, and the quote closes the string
        "{\"a\":\"\\u12\", \"graph\":\"finance\"}",
        "{\"a\":\"\\x4\",graph:1}",
        "{'gra\\\r\nph':'finance'}", // JSON5: a backslash before CR LF stands for nothing
        "{'gra\\\u2028ph':'finance'}", // ... and before U+2028
        "{'gra\\\nph':'finance'}",
    };

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Policies, Routes));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static HttpRequestMessage Post(string path, HttpContent content, bool basic = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return basic ? request.WithBasic("kevin", TestUsers.KevinPassword) : request;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent Json(string body) => Json(Encoding.UTF8.GetBytes(body));

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _proxy.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [MemberData(nameof(GraphBodies))]
    public async Task GraphNames_ThatLenientParsersRead_AreRefused(string json)
    {
        var (status, body) = await SendAsync(Post("/q/x?graph=social", Json(json)));

        Assert.True(status == HttpStatusCode.Forbidden, $"{json}: {status} {body}");
        Assert.Contains("\"reason\":\"graph-scope\"", body, StringComparison.Ordinal);
        Assert.Contains("in its body (application/json), which backends may read as query parameter 'graph'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MethodOverrides_ThatLenientParsersRead_AreRefused()
    {
        string[] bodies =
        [
            """{/*"a":*/"_method":"DELETE"}""", // the finding
            "{'_method':'DELETE'}",
            "{_method:'DELETE'}",
            "{//x\n_METHOD:'DELETE'}",
            "{\"a\":1,\u2003'_method':'DELETE'}",
        ];

        foreach (var json in bodies)
        {
            var (status, body) = await SendAsync(Post("/restpp/echo", Json(json), basic: false));

            Assert.True(status == HttpStatusCode.BadRequest, $"{json}: {status} {body}");
            Assert.Contains("\"reason\":\"bad-parameter\"", body, StringComparison.Ordinal);
            Assert.Contains("its body (application/json) carries '_", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LineComments_ThatParsersEndAtDifferentPlaces_AreRefused()
    {
        // Ruby's json ends a // comment only at LF; Json.NET also at CR, JSON5 also at U+2028 and U+2029.
        string[] bodies =
        [
            "{\"a\":1, // \r \"\n \"graph\":\"finance\"}", // the finding: Rails reads graph, a CR-ending parser reads a name "\n "
            "{\"a\":1, // \u2028 \"graph\":\"finance\"}",
            "{\"a\":1, # \u2029 graph:1\n}",
        ];

        foreach (var json in bodies)
        {
            var (status, body) = await SendAsync(Post("/restpp/echo", Json(json), basic: false));

            Assert.True(status == HttpStatusCode.BadRequest, $"{json}: {status} {body}");
            Assert.Contains("a // or # comment with a carriage return or a line separator before its line feed", body, StringComparison.Ordinal);
        }

        // Comments that end alike for every parser, CR LF included, are read through.
        var (plain, plainBody) = await SendAsync(Post("/q/x?graph=social", Json("{\"a\":1, // note\r\n \"limit\":3 # more\n}")));
        Assert.True(plain == HttpStatusCode.OK, plainBody);
    }

    [Fact]
    public async Task WideEncodings_WithoutACharset_CannotBeChecked_AndAreRefused()
    {
        // Jackson (Spring) detects UTF-16 and UTF-32 from the first bytes; AuthProxy reads UTF-8 only.
        byte[][] bodies =
        [
            Encoding.Unicode.GetBytes("""{"graph":"finance"}"""),
            Encoding.BigEndianUnicode.GetBytes("""{"graph":"finance"}"""),
            [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("""{"limit":3}""")],
            Encoding.UTF32.GetBytes("""{"limit":3}"""),
        ];

        foreach (var json in bodies)
        {
            var (status, body) = await SendAsync(Post("/q/x?graph=social", Json(json)));
            var (guard, guardBody) = await SendAsync(Post("/restpp/echo", Json(json), basic: false));

            // The refused-parameter check reads every body first, so it is the one that refuses, on both routes.
            Assert.True(status == HttpStatusCode.BadRequest, $"{status} {body}");
            Assert.Contains("it holds NUL bytes between its tokens", body, StringComparison.Ordinal);
            Assert.True(guard == HttpStatusCode.BadRequest, $"{guard} {guardBody}");
            Assert.Contains("cannot be checked for parameters AuthProxy refuses, such as the method override '_method': it holds NUL bytes between its tokens", guardBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LegitimateJson_IsForwardedWhole()
    {
        string[] bodies =
        [
            """{"note":"/* not a comment */ 'graph': 1","url":"http://x//graph"}""",
            """{"a":{"graph":"finance"},"list":[{'graph':1},{graph:2}],"graphs":1,"graph_name":"x"}""",
            """{"a":"it's","b":'say "graph"'}""",
            """[{"graph":"finance"}]""",
            "{\"text\":\"line\\u0000graph\",\"n\":-1.5e3,\"ok\":true,\"none\":null}",
            "\uFEFF{\"limit\":3}", // a UTF-8 byte order mark
        ];

        foreach (var json in bodies)
        {
            var (status, body) = await SendAsync(Post("/q/x?graph=social", Json(json)));

            Assert.True(status == HttpStatusCode.OK, $"{json}: {status} {body}");
            var echo = JsonDocument.Parse(body).RootElement.GetProperty("results");
            Assert.Equal(json.TrimStart('\uFEFF'), echo.GetProperty("body").GetString()); // the backend's reader drops the byte order mark
            Assert.Equal("social", echo.GetProperty("headers").GetProperty("X-AuthProxy-Graph").GetString());
        }
    }
}
