using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// No spelling of a path lets a request reach a route under another route's policy: the anonymous
/// <c>/restpp/echo/{**rest}</c> route must never carry a request to <c>/restpp/query/...</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PathTrickTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Theory]
    [InlineData("/restpp/echo/..%2Fquery%2Fsocial%2Fq", "encoded-slash")]
    [InlineData("/restpp/echo/..%2fquery/social/q", "encoded-slash")]
    [InlineData("/restpp/echo/%2e%2e%2Fquery/social/q", "encoded-slash")]
    [InlineData("/restpp/echo/..%5Cquery/social/q", "backslash")]
    [InlineData("/restpp/echo/%252e%252e/query/social/q", "double-encoding")]
    [InlineData("/restpp/echo/..%252Fquery/social/q", "double-encoding")]
    [InlineData("//restpp/query/social/q", "empty-segment")]
    [InlineData("/restpp//query/social/q", "empty-segment")]
    public async Task AmbiguousPaths_AreRefusedBeforeRouting(string target, string rule)
    {
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

        AssertRefusedBy(rule, status, body);
    }

    /// <summary>
    /// A token scoped to social must not act on finance: Tomcat, Jetty and Spring drop ";..." from
    /// each segment and then resolve "..", so "social/..;/finance" is finance to them.
    /// </summary>
    [Fact]
    public async Task TomcatPathParameters_AreRefused()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("tokenonly", "social"));
        string[] targets =
        [
            "/restpp/graph/social/..;/finance/vertices",
            "/restpp/graph/social/%2e%2e%3b/finance/vertices",
            "/restpp/graph/social/%2E%2E%3B/finance/vertices",
            "/restpp/graph/social/.%2e;/finance/vertices",
            "/restpp/graph/social/..;jsessionid=1/finance/vertices",
            "/restpp/graph/social/..%3bx=1/finance/vertices",
            "/restpp/graph/social;x/vertices",
        ];

        foreach (var target in targets)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target, $"Authorization: Bearer {token}\r\n", method: "POST");

            AssertRefusedBy("path-parameter", status, body, target);
        }
    }

    /// <summary>An escape cut short at the very end of the path (or before its query) is read to its end, never past it.</summary>
    [Theory]
    [InlineData("/restpp/echo/x%25a")]
    [InlineData("/restpp/echo/x%25a?k=v")]
    [InlineData("/restpp/echo/x%25")]
    [InlineData("/restpp/echo/x%2")]
    public async Task AnEscapeCutShortAtTheEnd_IsAnsweredNotAFault(string target)
    {
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

        Assert.True(status is 200 or 400, $"{target}: {status} {body}");
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnicodeLookAlikes_AreRefused()
    {
        (string Target, string Character)[] cases =
        [
            ("/restpp/echo/%ef%bc%8e%ef%bc%8e/query/social/q", "U+FF0E"), // fullwidth full stop
            ("/restpp/echo/%e2%80%a4%e2%80%a4/query/social/q", "U+2024"), // one dot leader
            ("/restpp/echo/%e2%80%a5/query/social/q", "U+2025"), // two dot leader
            ("/restpp/echo/%ef%b9%92./query/social/q", "U+FE52"), // small full stop beside a plain one
            ("/restpp/echo/..%ef%bc%8fquery/social/q", "U+FF0F"), // fullwidth solidus
            ("/restpp/echo/..%ef%bc%bcquery/social/q", "U+FF3C"), // fullwidth reverse solidus
            ("/restpp/echo/..%ef%bc%9bx/query/social/q", "U+FF1B"), // fullwidth semicolon
            ("/restpp/echo/%ef%bc%85%32%65/query/social/q", "U+FF05"), // fullwidth percent sign
            ("/restpp/echo/%f0%9f%84%80/query/social/q", "U+1F100"), // digit zero full stop, outside the BMP
        ];

        foreach (var (target, character) in cases)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

            AssertRefusedBy("look-alike", status, body, target);
            Assert.True(body.Contains(character, StringComparison.Ordinal), $"{target}: {body}");
        }
    }

    /// <summary>
    /// A backend that passes its path through an ANSI code page (Windows best-fit conversion) reads
    /// these as separators: "social/..¥..¥finance" is "social/..\..\finance" on Japanese Windows.
    /// </summary>
    [Fact]
    public async Task WindowsBestFitLookAlikes_AreRefused()
    {
        var authorization = $"Authorization: Bearer {TestTokens.Hs256(TestTokens.Claims("kevin", "social"))}\r\n";
        (string Target, string Character, string Becomes)[] cases =
        [
            ("/restpp/query/social/..%C2%A5..%C2%A5finance", "U+00A5", "code page 932 (Japanese) turns into '\\\\'"), // yen sign
            ("/restpp/query/social/..%E2%82%A9..%E2%82%A9finance", "U+20A9", "code pages 949 and 1361 (Korean) turns into '\\\\'"), // won sign
            ("/restpp/query/social/..%E2%88%95finance", "U+2215", "turns into '/'"), // division slash
            ("/restpp/query/social/..%E2%81%84finance", "U+2044", "turns into '/'"), // fraction slash
            ("/restpp/query/social/..%E2%88%96finance", "U+2216", "turns into '\\\\'"), // set minus
            ("/restpp/query/social/..%C2%B4finance", "U+00B4", "code page 1253 (Greek) turns into '/'"), // acute accent
            ("/restpp/query/social/x%D9%AA2e", "U+066A", "turns into '%'"), // Arabic percent sign
        ];

        foreach (var (target, character, becomes) in cases)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target, authorization);

            AssertRefusedBy("look-alike", status, body, target);
            Assert.True(body.Contains($"it contains {character}, which Windows best-fit conversion to ", StringComparison.Ordinal), $"{target}: {body}");
            Assert.True(body.Contains(becomes, StringComparison.Ordinal), $"{target}: {body}");
        }
    }

    /// <summary>
    /// Characters that render as nothing and that normalisers drop (Default_Ignorable_Code_Point)
    /// leave ".." behind: a segment of dots, whitespace and such characters is a dot segment.
    /// </summary>
    [Fact]
    public async Task DotSegmentsWithDefaultIgnorables_AreRefused()
    {
        string[] ignorables =
        [
            "%CD%8F", // U+034F COMBINING GRAPHEME JOINER
            "%E1%85%9F", // U+115F HANGUL CHOSEONG FILLER
            "%E3%85%A4", // U+3164 HANGUL FILLER
            "%EF%BE%A0", // U+FFA0 HALFWIDTH HANGUL FILLER
            "%EF%B8%80", // U+FE00 VARIATION SELECTOR-1
            "%EF%B8%8F", // U+FE0F VARIATION SELECTOR-16
            "%E2%80%8B", // U+200B ZERO WIDTH SPACE
            "%E2%81%A0", // U+2060 WORD JOINER
            "%E1%A0%8B", // U+180B MONGOLIAN FREE VARIATION SELECTOR ONE
            "%E1%9E%B4", // U+17B4 KHMER VOWEL INHERENT AQ
            "%F3%A0%80%81", // U+E0001 LANGUAGE TAG
            "%F3%A0%84%80", // U+E0100 VARIATION SELECTOR-17
        ];

        foreach (var ignorable in ignorables)
        {
            foreach (var segment in new[] { $".{ignorable}.", $"..{ignorable}", $"{ignorable}..", $".{ignorable}" })
            {
                var target = $"/restpp/echo/{segment}/query/social/q";
                var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

                AssertRefusedBy("dot-segment", status, body, target);
            }

            var blank = $"/restpp/echo/{ignorable}/query/social/q";
            var (blankStatus, blankBody) = await Http.RawAsync(_proxy.BaseAddress, blank);
            AssertRefusedBy("empty-segment", blankStatus, blankBody, blank);
        }
    }

    [Fact]
    public async Task OtherSpellingsOfDotSegments_AreRefused_NamingTheRule()
    {
        (string Target, string Rule)[] cases =
        [
            ("/restpp/echo/%c0%ae%c0%ae/query/social/q", "invalid-utf8"), // overlong '.'
            ("/restpp/echo/%C0%AE./query/social/q", "invalid-utf8"),
            ("/restpp/echo/%e0%80%ae/query/social/q", "invalid-utf8"),
            ("/restpp/echo/..%c0%af/query/social/q", "invalid-utf8"), // overlong '/'
            ("/restpp/echo/%25c0%25ae/query/social/q", "double-encoding"),
            ("/restpp/echo/%u002e%u002e/query/social/q", "percent-u"),
            ("/restpp/echo/%25u002e%25u002e/query/social/q", "percent-u"),
            ("/restpp/echo/..%u002fquery/social/q", "percent-u"),
            ("/restpp/echo/.../query/social/q", "dot-segment"),
            ("/restpp/echo/%2e%2e%2e/query/social/q", "dot-segment"),
            ("/restpp/echo/..%20/query/social/q", "dot-segment"),
            ("/restpp/echo/.%20./query/social/q", "dot-segment"),
            ("/restpp/echo/%20../query/social/q", "dot-segment"),
            ("/restpp/echo/..%c2%a0/query/social/q", "dot-segment"), // no-break space
            ("/restpp/echo/%20/query/social/q", "empty-segment"),
        ];

        foreach (var (target, rule) in cases)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

            AssertRefusedBy(rule, status, body, target);
        }
    }

    [Fact]
    public async Task LegitimateNames_AreStillForwarded()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        (string Target, string ForwardedPath)[] cases =
        [
            ("/restpp/graph/social/vertices/person/Jr.", "/restpp/graph/social/vertices/person/Jr."),
            ("/restpp/graph/social/vertices/person/a.b", "/restpp/graph/social/vertices/person/a.b"),
            ("/restpp/graph/social/vertices/person/..a", "/restpp/graph/social/vertices/person/..a"),
            ("/restpp/graph/social/vertices/person/100%25", "/restpp/graph/social/vertices/person/100%"),
            ("/restpp/graph/social/vertices/person/100%", "/restpp/graph/social/vertices/person/100%"),
            ("/restpp/graph/social/vertices/person/K%c3%a9vin%e3%80%82", "/restpp/graph/social/vertices/person/K\\u00E9vin\\u3002"),
            ("/restpp/graph/social/vertices/person/12500", "/restpp/graph/social/vertices/person/12500"), // "25" and two hex digits, with no '%'
            ("/restpp/graph/social/vertices/person/a2fb", "/restpp/graph/social/vertices/person/a2fb"), // "2f" with no '%'
            ("/restpp/graph/social/vertices/person/a5cb", "/restpp/graph/social/vertices/person/a5cb"),
            ("/restpp/graph/social/vertices/person/x%F0%9F%98%80", "/restpp/graph/social/vertices/person/x\\uD83D\\uDE00"), // a surrogate pair, last in the path
        ];

        foreach (var (target, forwardedPath) in cases)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target, $"Authorization: Bearer {token}\r\n");

            Assert.True(status == 200, $"{target}: {status} {body}");
            Assert.True(body.Contains($"\"path\":\"{forwardedPath}\"", StringComparison.Ordinal), $"{target}: {body}");
        }
    }

    [Fact]
    public async Task PathParameters_CanBeAllowed_ButNotBehindADotSegment()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowPathParameters"] = "true" });
        var token = TestTokens.Hs256(TestTokens.Claims("tigergraph"));
        var authorization = $"Authorization: Bearer {token}\r\n";

        var (allowed, body) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/x;v=1", authorization);
        var (dots, dotsBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/%2e%2e%3b/finance/vertices", authorization);
        var (empty, emptyBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/;x/vertices", authorization);

        Assert.Equal(200, allowed);
        Assert.Contains("\"path\":\"/restpp/graph/social/vertices/person/x;v=1\"", body, StringComparison.Ordinal);
        AssertRefusedBy("dot-segment", dots, dotsBody);
        AssertRefusedBy("empty-segment", empty, emptyBody);
    }

    /// <summary>
    /// A backend or intermediary that decodes the path before splitting it (nginx's <c>proxy_pass ...$uri</c>,
    /// Apache mod_rewrite back-references) reads an encoded '?' or '#' as the start of the query or
    /// fragment: the request would be checked as graph social and acted on as graph finance.
    /// </summary>
    [Fact]
    public async Task EncodedQueryAndFragmentDelimiters_AreRefused()
    {
        var authorization = $"Authorization: Basic {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("kevin:" + TestUsers.KevinPassword))}\r\n";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, QueryGraphPolicy, QueryGraphRoute));
        (string Target, string Rule)[] cases =
        [
            ("/q/x%3Fgraph=finance%26a=?graph=social", "encoded-delimiter"), // the finding
            ("/q/x%3fgraph=finance&a=?graph=social", "encoded-delimiter"),
            ("/q/x%23?graph=social", "encoded-delimiter"),
            ("/q/%3F?graph=social", "encoded-delimiter"),
            ("/q/x%253Fgraph=finance?graph=social", "double-encoding"), // '%' encoded, then '3F'
            ("/q/x%25%33%46graph=finance?graph=social", "double-encoding"),
            ("/q/x%%33Fgraph=finance?graph=social", "double-encoding"), // a literal '%' before an escape of '3'
            ("/q/x%3%46graph=finance?graph=social", "double-encoding"),
        ];

        foreach (var (target, rule) in cases)
        {
            var (status, body) = await Http.RawAsync(proxy.BaseAddress, target, authorization);

            AssertRefusedBy(rule, status, body, target);
        }
    }

    [Fact]
    public async Task EncodedQueryAndFragmentDelimiters_CanBeAllowed_ButNotBeforeADotSegment()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowEncodedDelimiters"] = "true" });
        var authorization = $"Authorization: Bearer {TestTokens.Hs256(TestTokens.Claims("tigergraph"))}\r\n";

        var (status, body) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/who%3F%23", authorization);
        var (dots, dotsBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo/x/..%3F/query/social/q"); // a decoding backend reads /restpp/echo/x/.. then a query
        var (dot, dotBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo/x/.%23");
        var (alone, aloneBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo/x/%23/y");
        var (slash, slashBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo/a%2Fb");

        Assert.True(status == 200, body);
        Assert.Contains("\"path\":\"/restpp/graph/social/vertices/person/who?#\"", body, StringComparison.Ordinal);
        Assert.Contains("\"rawTarget\":\"/restpp/graph/social/vertices/person/who%3F%23\"", body, StringComparison.Ordinal); // forwarded encoded
        AssertRefusedBy("dot-segment", dots, dotsBody);
        AssertRefusedBy("dot-segment", dot, dotBody);
        Assert.True(alone == 200, aloneBody); // the path before '#' ends in '/': nothing to resolve
        AssertRefusedBy("encoded-slash", slash, slashBody); // the settings are separate
    }

    /// <summary>
    /// The refusal body is what the client is told: each rule says what in the path was wrong and why
    /// a backend could read it otherwise, and names the setting that allows it when there is one.
    /// </summary>
    [Fact]
    public async Task EachPathRule_SaysWhatWasWrong()
    {
        await using var withParameters = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowPathParameters"] = "true" });
        (Uri Proxy, string Target, string Rule, string[] Says)[] cases =
        [
            (_proxy.BaseAddress, "/restpp/echo/..%252Fquery/social/q", "double-encoding",
                ["it is percent-encoded twice (%25 followed by hex digits), which a backend that decodes again would read as other characters"]),
            (_proxy.BaseAddress, "/restpp/echo/x%%33Fy/q", "double-encoding",
                ["it is percent-encoded twice, which a backend that decodes again would read as other characters"]),
            (_proxy.BaseAddress, "/restpp/echo/x%01/q", "control-character", ["it contains a control character"]),
            (_proxy.BaseAddress, "/restpp/echo/x%C2%80/q", "control-character", ["it contains a control character"]), // U+0080, the first non-ASCII character
            (_proxy.BaseAddress, "/restpp/echo/..%5Cquery/social/q", "backslash", ["it contains a backslash, which Windows backends read as '/'"]),
            (_proxy.BaseAddress, "/restpp/echo/x%3Fy/q", "encoded-delimiter",
                ["it contains an encoded '?' or '#' (%3F, %23), which a backend or intermediary that decodes the path before splitting it reads as the start of the query or fragment",
                 "(set AuthProxy:AllowEncodedDelimiters=true for backends that treat them as data)"]),
            (_proxy.BaseAddress, "/restpp/echo/x;y/q", "path-parameter",
                ["it contains ';', which Tomcat, Jetty and Spring read as the start of a path parameter and remove",
                 "(set AuthProxy:AllowPathParameters=true for backends that treat ';' as data)"]),
            (_proxy.BaseAddress, "/restpp/echo/%u002e%u002e/q", "percent-u", ["it contains a %uXXXX escape, which IIS decodes into any character"]),
            (_proxy.BaseAddress, "/restpp/echo/..%2Fquery/social/q", "encoded-slash",
                ["it contains an encoded slash or backslash (%2F, %5C), which a backend could decode into a separator"]),
            (_proxy.BaseAddress, "/restpp/echo/%80/q", "invalid-utf8", // the first byte that is not ASCII
                ["it contains percent-encoded bytes that are not valid UTF-8 (such as the overlong %C0%AE), which lenient decoders read as '.' or '/'"]),
            (_proxy.BaseAddress, "/restpp/echo/%ED%A0%80/q", "invalid-utf8", []), // a surrogate, which UTF-8 cannot carry
            (_proxy.BaseAddress, "/restpp//query/social/q", "empty-segment", ["it contains an empty segment (//)"]),
            (_proxy.BaseAddress, "/restpp/echo/%20/query/social/q", "empty-segment",
                ["it contains a segment made only of whitespace and invisible characters (' '), which backends that trim or drop them read as empty"]),
            (_proxy.BaseAddress, "/restpp/echo/..%20/query/social/q", "dot-segment",
                ["it contains a segment made only of dots, whitespace and invisible characters ('.. '), which backends read as '.' or '..' ",
                 "(Windows and IIS drop trailing dots and spaces; normalisers drop zero-width and other default-ignorable characters)"]),
            (withParameters.BaseAddress, "/restpp/echo/;x/y", "empty-segment",
                ["it contains a segment that is empty before its ';' path parameter, which Tomcat, Jetty and Spring read as an empty segment"]),
            (withParameters.BaseAddress, "/restpp/echo/..;x/query/social/q", "dot-segment",
                ["it contains a segment made only of dots once its ';' path parameter is removed ('..;x'), which Tomcat, Jetty and Spring then read as '.' or '..'"]),
        ];

        foreach (var (proxy, target, rule, says) in cases)
        {
            var (status, body) = await Http.RawAsync(proxy, target);

            AssertRefusedBy(rule, status, body, target);
            foreach (var words in says)
            {
                Assert.True(body.Contains(words, StringComparison.Ordinal), $"{target}: expected \"{words}\" in {body}");
            }
        }
    }

    /// <summary>
    /// With encoded slashes allowed, only %2F and %5C split the path: names that merely hold a '%',
    /// "2f" or "5c" elsewhere, or end in a cut-short escape, are single segments and are forwarded.
    /// </summary>
    [Fact]
    public async Task EncodedSlashesAllowed_OnlyTrueEscapesSplitThePath()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowEncodedSlashes"] = "true" });
        string[] names = ["a2fb", "a5cb", "x%2", "x%5", "%2z", "%5z", "%zf", "%zc"];

        foreach (var name in names)
        {
            var target = $"/restpp/echo/{name}";
            var (status, body) = await Http.RawAsync(proxy.BaseAddress, target);

            Assert.True(status == 200, $"{target}: {status} {body}");
            Assert.True(body.Contains($"\"path\":\"{target}\"", StringComparison.Ordinal), $"{target}: {body}");
        }
    }

    private const string QueryGraphRoute = """
        ,
        "by-query-basic": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-query-basic", "Match": { "Path": "/q/{**rest}" } }
        """;

    private const string QueryGraphPolicy = """
        ,
        "graph-by-query-basic": { "Schemes": [ "Basic", "Bearer" ], "Graph": "query:graph", "Privileges": [ "READ_DATA" ] }
        """;

    private static void AssertRefusedBy(string rule, int status, string body, string? target = null)
    {
        var what = $"{target}: {status} {body}";
        Assert.True(status == 400, what);
        Assert.True(body.Contains("\"reason\":\"bad-path\"", StringComparison.Ordinal), what);
        Assert.True(body.Contains("\"code\":\"AUTHPROXY-400\"", StringComparison.Ordinal), what);
        Assert.True(body.Contains($"The request path is refused by rule {rule}: ", StringComparison.Ordinal), what);
    }

    [Theory]
    [InlineData("/restpp/echo/../query/social/q")]
    [InlineData("/restpp/echo/%2e%2e/query/social/q")]
    [InlineData("/restpp/echo/.%2E/query/social/q")]
    [InlineData("/restpp/echo/./../query/social/q")]
    public async Task DotSegments_AreResolvedFirst_SoTheTargetRoutesPolicyApplies(string target)
    {
        // Kestrel removes the dot segments; the request is then /restpp/query/social/q, which needs a token.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

        Assert.Equal(401, status);
        Assert.Contains("\"reason\":\"missing\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedNul_IsRefusedByTheServer()
    {
        var (status, _) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x%00/q");

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task EmptySegmentBeforeDotDot_StaysUnderTheRouteItResolvesTo()
    {
        // Kestrel resolves "echo//.." to "echo": the request is checked and forwarded as /restpp/echo/query/social/q.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo//../query/social/q");

        Assert.Equal(200, status);
        Assert.Contains("\"path\":\"/restpp/echo/query/social/q\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PercentEncodedCharacters_AreForwardedAsChecked()
    {
        // "soc%69al" decodes to "social": the policy checks graph social, and the backend is sent the same path.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/query/soc%69al/q", $"Authorization: Bearer {token}\r\n");

        Assert.Equal(200, status);
        Assert.Contains("\"path\":\"/restpp/query/social/q\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedSlashes_CanBeAllowed_ForBackendsThatTreatThemAsData()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowEncodedSlashes"] = "true" });
        var token = TestTokens.Hs256(TestTokens.Claims("tigergraph"));

        var (status, body) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/a%2Fb", $"Authorization: Bearer {token}\r\n");
        var (twice, twiceBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/a%252Fb", $"Authorization: Bearer {token}\r\n");
        var (dots, dotsBody) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo/..%2Fquery/social/q");

        Assert.Equal(200, status);
        Assert.Contains("a%2Fb", body, StringComparison.Ordinal);
        AssertRefusedBy("double-encoding", twice, twiceBody);
        AssertRefusedBy("dot-segment", dots, dotsBody);
    }
}
