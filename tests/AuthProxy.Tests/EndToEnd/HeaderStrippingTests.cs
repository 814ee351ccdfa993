using System.Net;
using System.Text.Json;
using AuthProxy.Forwarding;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Headers that backends trust (identity set by other auth proxies, the client address, method
/// and URL overrides) never reach the backend as the client wrote them, in any spelling, on any
/// route; a route can add its own through its <c>AuthProxy.StripHeaders</c> metadata.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HeaderStrippingTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Forged = "forged-by-client";

    private const string TenantRoute = """
        ,
        "tenant": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/tenant/{**rest}" },
                    "Metadata": { "AuthProxy.StripHeaders": "X-Tenant, X-Internal-*" } }
        """;

    /// <summary>The headers named in the README's list, plus one example of each prefix entry.</summary>
    private static readonly string[] DefaultHeaders =
    [
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
        "Remote-User", "Remote-Groups", "Remote-Email", "X-Remote-User", "X-Remote-Group", "X-Remote-Extra-Scopes",
        "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Preferred-Username", "X-Forwarded-Groups", "X-Forwarded-Access-Token",
        "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Preferred-Username", "X-Auth-Request-Groups", "X-Auth-Request-Access-Token",
        "X-WEBAUTH-USER", "X-Authenticated-User",
        "True-Client-IP", "X-Real-IP", "X-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Cluster-Client-IP",
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port",
        "X-Original-URL", "X-Original-Forwarded-For", "X-Rewrite-URL",
        "X-AuthProxy-User", "X-AuthProxy-Graph", "X-DataHub-Actor",
        "Proxy", "Client-IP", "X-Forwarded", "Forwarded-For", "X-Originating-IP", "X-ProxyUser-Ip", "X-ARR-ClientIP", "X-Envoy-External-Address",
        "X-ARR-ClientCert", "X-Client-Cert", "X-SSL-Client-DN", "X-SSL-Client-Cert", "SSL-Client-S-DN", "Client-Cert", "Client-Cert-Chain",
        "X-Amzn-Oidc-Identity", "X-Amzn-Oidc-Data", "X-Goog-Authenticated-User-Email", "X-Goog-Iap-Jwt-Assertion", "Cf-Access-Jwt-Assertion",
        "Cf-Access-Authenticated-User-Email", "X-MS-CLIENT-PRINCIPAL", "X-MS-CLIENT-PRINCIPAL-NAME", "X-Consumer-Username", "X-Consumer-ID",
        "X-Credential-Identifier", "X-Userinfo", "X-Pomerium-Jwt-Assertion", "X-User", "X-Username", "X-Auth-User", "X-Host", "X-HTTP-Host-Override",
        "X-Content-Length",
        .. StrippedHeaders.DefaultEntries.Select(e => e.EndsWith('*') ? e[..^1] + "Example" : e),
    ];

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, extraRoutes: TenantRoute));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>The name as written, in lower case, with '_' for '-', both in upper case, and with '.' for '-' (older Apache CGI reads it as '_').</summary>
    private static IEnumerable<string> Spellings(string name) =>
        [name, name.ToLowerInvariant(), name.Replace('-', '_'), name.ToUpperInvariant().Replace('-', '_'), name.Replace('-', '.')];

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpRequestMessage request, IEnumerable<(string Name, string Value)> headers)
    {
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.EchoAsync();
    }

    private static void AssertNothingForged(JsonElement echo, string what)
    {
        foreach (var header in echo.GetProperty("headers").EnumerateObject())
        {
            Assert.False(header.Value.GetString()!.Contains(Forged, StringComparison.Ordinal), $"{what}: {header.Name} reached the backend");
        }
    }

    [Fact]
    public async Task DefaultHeaders_NeverReachTheBackend_InAnySpelling()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var batches = DefaultHeaders.Distinct(StringComparer.OrdinalIgnoreCase).Chunk(60).ToList(); // Kestrel takes at most 100 headers a request
        for (var spelling = 0; spelling < 5; spelling++)
        {
            foreach (var batch in batches)
            {
                var headers = batch.Select(h => (Spellings(h).ElementAt(spelling), Forged)).DistinctBy(h => h.Item1, StringComparer.OrdinalIgnoreCase).ToList();

                var authenticated = await SendAsync(_proxy.Client, Http.Get("/restpp/query/social/q", token), headers);
                var anonymous = await SendAsync(_proxy.Client, Http.Get("/restpp/echo/x"), headers);

                AssertNothingForged(authenticated, $"spelling {spelling}, authenticated route");
                AssertNothingForged(anonymous, $"spelling {spelling}, anonymous route");

                // What YARP sets in their place comes from the connection, not from the client.
                var forwarded = authenticated.GetProperty("headers");
                Assert.Equal("127.0.0.1", forwarded.GetProperty("X-Forwarded-For").GetString());
                Assert.Equal("http", forwarded.GetProperty("X-Forwarded-Proto").GetString());
                Assert.Equal(_proxy.BaseAddress.Authority, forwarded.GetProperty("X-Forwarded-Host").GetString());
                Assert.Equal("kevin", forwarded.GetProperty("X-AuthProxy-User").GetString());
            }
        }
    }

    [Fact]
    public async Task MethodOverride_NeverReachesTheBackend()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        string[] names = ["X-HTTP-Method-Override", "x_http_method_override", "X-HTTP-Method", "X_METHOD_OVERRIDE"];

        foreach (var name in names)
        {
            var echo = await SendAsync(_proxy.Client, Http.Get("/restpp/query/social/q", token), [(name, "DELETE")]);

            Assert.Equal("GET", echo.GetProperty("method").GetString());
            Assert.DoesNotContain(echo.GetProperty("headers").EnumerateObject(), h => h.Value.GetString() == "DELETE");
        }
    }

    [Fact]
    public async Task DotSpellings_NeverReachTheBackend()
    {
        // The finding's spellings, each of which reached the backend unchanged.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        (string, string)[] headers = [("X.AuthProxy.User", Forged), ("X-Forwarded.For", Forged), ("X-HTTP-Method.Override", Forged), ("x.remote.user", Forged)];

        var echo = await SendAsync(_proxy.Client, Http.Get("/restpp/query/social/q", token), headers);

        AssertNothingForged(echo, "dot spellings");
        Assert.Equal("kevin", echo.GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
    }

    [Fact]
    public async Task ProxyAuthorization_NeverReachesTheBackend_InAnySpelling()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        string[] names = ["Proxy-Authorization", "Proxy_Authorization", "PROXY_AUTHORIZATION", "Proxy.Authorization"];

        foreach (var name in names)
        {
            var authenticated = await SendAsync(_proxy.Client, Http.Get("/restpp/query/social/q", token), [(name, "Basic " + Forged)]);
            var anonymous = await SendAsync(_proxy.Client, Http.Get("/restpp/echo/x"), [(name, "Basic " + Forged)]);

            AssertNothingForged(authenticated, name);
            AssertNothingForged(anonymous, name);
        }
    }

    [Fact]
    public async Task ContentLengthBesideTransferEncoding_DoesNotReachTheBackendAsXContentLength()
    {
        // Kestrel ignores a Content-Length beside Transfer-Encoding and renames it X-Content-Length.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x",
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "POST", "3\r\nabc\r\n0\r\n\r\n");
        var (sent, sentBody) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x", "X-Content-Length: 99\r\nx_content_length: 98\r\n");

        Assert.Equal(200, status);
        Assert.Contains("\"body\":\"abc\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, sent);
        Assert.DoesNotContain("Content-Length", sentBody, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// CGI-style servers read <c>Transfer_Encoding</c> as <c>Transfer-Encoding</c> (Puma before 6.4.3 framed
    /// requests by it, CVE-2024-45614), and Symfony's ServerBag reads <c>Content_Type</c>'s
    /// <c>HTTP_CONTENT_TYPE</c> as the body's type: the twins of framing and body headers are removed,
    /// and the canonical headers reach the backend as the client sent them.
    /// </summary>
    [Fact]
    public async Task TwinsOfFramingAndBodyHeaders_NeverReachTheBackend()
    {
        string[] twins =
        [
            "Content_Length: 5", "Content.Length: 5", "CONTENT_LENGTH: 5",
            "Transfer_Encoding: chunked", "Transfer.Encoding: chunked", "transfer_encoding: gzip, chunked",
            "Content_Type: application/x-www-form-urlencoded", "Content.Type: multipart/form-data; boundary=x",
            "Content_Encoding: gzip", "Content.Encoding: br", "Content_MD5: Q2hlY2s=", "Content_Range: bytes 0-1/2",
            "Keep_Alive: timeout=5", "Proxy_Connection: keep-alive",
        ];
        var headers = string.Concat(twins.Select(t => t + "\r\n"));
        const string Json = """{"a":"b"}""";
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        var (anonymous, anonymousBody) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x",
            $"Content-Type: application/json\r\nContent-Length: {Json.Length}\r\n{headers}", "POST", Json);
        var (authenticated, authenticatedBody) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/query/social/q",
            $"Authorization: Bearer {token}\r\n{headers}");

        foreach (var (status, body) in new[] { (anonymous, anonymousBody), (authenticated, authenticatedBody) })
        {
            Assert.True(status == 200, body);
            var echo = JsonDocument.Parse(body).RootElement.GetProperty("results");
            var forwarded = echo.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
            Assert.DoesNotContain(forwarded, n => n.Contains('_', StringComparison.Ordinal) || n.Contains('.', StringComparison.Ordinal));
        }

        var posted = JsonDocument.Parse(anonymousBody).RootElement.GetProperty("results");
        Assert.Equal(Json, posted.GetProperty("body").GetString());
        Assert.Equal("application/json", posted.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("9", posted.GetProperty("headers").GetProperty("Content-Length").GetString());
        Assert.False(posted.GetProperty("headers").TryGetProperty("Transfer-Encoding", out _));
    }

    [Fact]
    public async Task CanonicalBodyHeaders_AreForwardedUntouched()
    {
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x",
            "Content-Type: text/plain; charset=utf-8\r\nContent-Encoding: identity\r\nContent-Language: en\r\nTransfer-Encoding: chunked\r\n", "POST", "3\r\nabc\r\n0\r\n\r\n");

        Assert.True(status == 200, body);
        var headers = JsonDocument.Parse(body).RootElement.GetProperty("results").GetProperty("headers");
        Assert.Equal("text/plain; charset=utf-8", headers.GetProperty("Content-Type").GetString());
        Assert.Equal("identity", headers.GetProperty("Content-Encoding").GetString());
        Assert.Equal("en", headers.GetProperty("Content-Language").GetString());
        Assert.Equal("chunked", headers.GetProperty("Transfer-Encoding").GetString());
    }

    [Fact]
    public async Task RouteStripHeaders_AreStrippedInEverySpelling_OnThatRouteOnly()
    {
        (string, string)[] headers =
        [
            ("X-Tenant", Forged), ("x_tenant", Forged), ("X-INTERNAL-ROLE", Forged), ("X_Internal_Secret", Forged), ("X-Other", "kept"),
        ];

        var tenant = await SendAsync(_proxy.Client, Http.Get("/tenant/x"), headers);
        var echo = await SendAsync(_proxy.Client, Http.Get("/restpp/echo/x"), [("X-Tenant", "kept-elsewhere")]);

        AssertNothingForged(tenant, "tenant route");
        Assert.Equal("kept", tenant.GetProperty("headers").GetProperty("X-Other").GetString());
        Assert.Equal("kept-elsewhere", echo.GetProperty("headers").GetProperty("X-Tenant").GetString());
    }

    [Fact]
    public async Task RouteStripHeaders_AreHotReloaded()
    {
        async Task<bool> TenantArrivesAsync()
        {
            var echo = await SendAsync(_proxy.Client, Http.Get("/restpp/echo/x"), [("X_Tenant", "t1")]);
            return echo.GetProperty("headers").TryGetProperty("X_Tenant", out _);
        }

        Assert.True(await TenantArrivesAsync());

        var edited = TestRoutes.Standard(backend.BaseAddress, extraRoutes: TenantRoute).Replace(
            "\"Match\": { \"Path\": \"/restpp/echo/{**rest}\" }",
            "\"Match\": { \"Path\": \"/restpp/echo/{**rest}\" }, \"Metadata\": { \"AuthProxy.StripHeaders\": \"X-Tenant\" }", StringComparison.Ordinal);
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, edited);

        await ProxyHost.EventuallyAsync(async () => !await TenantArrivesAsync(), "the echo route strips X-Tenant");
    }

    /// <summary>
    /// The shortest prefix (<c>X*</c>) strips every name that starts with it, in any spelling; names
    /// that merely begin the framing headers' names (<c>Transfer</c>, <c>Content-Len</c>, <c>Hos</c>)
    /// are valid entries that strip only themselves, and the request is still framed and hosted.
    /// </summary>
    [Fact]
    public async Task RouteStripHeaders_TheShortestPrefix_AndNamesThatBeginFramingNames()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress, extraRoutes: """
            ,
            "short": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/short/{**rest}" },
                       "Metadata": { "AuthProxy.StripHeaders": "X*, Transfer, Content-Len, Hos" } }
            """);
        await using var proxy = await ProxyHost.StartAsync(routes);

        var request = Http.Json(HttpMethod.Post, "/short/x", new { graph = "social" });
        var echo = await SendAsync(proxy.Client, request,
            [("X-Anything", Forged), ("x_other_thing", Forged), ("Xylophone", Forged), ("X", Forged), ("Transfer", Forged), ("content_len", Forged),
             ("Hos", Forged), ("Accept-Language", "kept")]);

        AssertNothingForged(echo, "short route");
        var received = echo.GetProperty("headers");
        Assert.Equal("kept", received.GetProperty("Accept-Language").GetString());
        Assert.True(received.TryGetProperty("Host", out _));
        Assert.Equal("{\"graph\":\"social\"}".Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.GetProperty("Content-Length").GetString());
    }

    [Fact]
    public async Task MalformedStripHeaders_AreRoutesFileProblems_ListedWithTheOthers()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress, extraRoutes: """
            ,
            "bad-strip": { "ClusterId": "restpp", "AuthorizationPolicy": "no-such-policy", "Match": { "Path": "/bad" },
                           "Metadata": { "AuthProxy.StripHeaders": "X-Ok, X Bad, Content-*", "AuthProxy.StripHeader": "X-Typo" } }
            """);

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad-strip: Metadata AuthProxy.StripHeaders: 'X Bad' is not a header name", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad-strip: Metadata AuthProxy.StripHeaders: 'Content-*' would strip Content-Length", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Routes:bad-strip: Metadata AuthProxy.StripHeader: unknown AuthProxy setting", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("no-such-policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAuthenticationOff_HeadersAreStillStripped_AndAuthorizationPasses()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["RESTPP:Factory:EnableAuth"] = "false" });

        var echo = await SendAsync(proxy.Client, Http.Get("/restpp/query/social/q", "a-token-the-backend-checks-itself"),
            [("X_Forwarded_User", Forged), ("X-HTTP-Method-Override", Forged), ("X-AuthProxy-User", Forged), ("Proxy_Authorization", Forged)]);

        AssertNothingForged(echo, "authentication off");
        Assert.Equal("Bearer a-token-the-backend-checks-itself", echo.GetProperty("headers").GetProperty("Authorization").GetString());
    }
}
