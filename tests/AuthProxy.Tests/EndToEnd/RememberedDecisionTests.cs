using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A token AuthProxy remembers is decided on its own path (<c>PolicyDecisionMiddleware</c>),
/// without ASP.NET Core's authentication and authorization objects. What it remembers is the
/// token, never a decision: every route's policy in force is applied to it on every request, and
/// an allowed request is forwarded, logged, counted and limited exactly like the first one.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class RememberedDecisionTests(BackendProcess backend)
{
    private const string BasicOnly = """
        ,
            "basic-only": { "Schemes": [ "Basic" ] }
        """;

    private const string BasicOnlyRoute = """
        ,
              "basic-only": { "ClusterId": "restpp", "AuthorizationPolicy": "basic-only", "Match": { "Path": "/restpp/basic" } }
        """;

    [Fact]
    public async Task ARememberedToken_IsDecidedAfresh_OnEveryRouteItIsSentTo()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, BasicOnly, BasicOnlyRoute));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", token)).Status);
        }

        // Remembered now: each other route still applies its own policy to it.
        var (status, body) = await SendAsync(proxy, "/restpp/graph/social/vertices", token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("lacks WRITE_DATA on graph social", body, StringComparison.Ordinal);

        (status, body) = await SendAsync(proxy, "/restpp/query/finance/q", token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("is scoped to graph social, not finance", body, StringComparison.Ordinal);

        (status, body) = await SendAsync(proxy, "/management/v1/cluster", token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("lacks MANAGE_ACCESS_TOKENS", body, StringComparison.Ordinal);

        (status, _) = await SendAsync(proxy, "/restpp/basic", token);
        Assert.Equal(HttpStatusCode.Unauthorized, status); // a Basic-only route takes no token, remembered or not

        // A route that takes its graph from the query string also reads the body: decided on the full path, alike.
        (status, _) = await SendAsync(proxy, "/restpp/builtins?graph=social", token);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body) = await SendAsync(proxy, "/restpp/builtins?graph=finance", token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("not finance", body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", token)).Status);
    }

    [Fact]
    public async Task ARememberedCaller_IsAllowedAgain_OnlyOnTheGraphItWasAllowedOn_AsTheRequestNamesIt()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin")); // no graph scope: kevin's grants decide

        async Task<string> AllowedAsync(HttpRequestMessage request)
        {
            using var response = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-Graph").GetString()!;
        }

        async Task RefusedAsync(HttpRequestMessage request, string because)
        {
            using var response = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(body.Contains(because, StringComparison.Ordinal), body);
        }

        HttpRequestMessage ByHeader(params string[] graphs)
        {
            var request = Http.Get("/gsql/v1/schema", token);
            foreach (var graph in graphs)
            {
                request.Headers.TryAddWithoutValidation("GSQL-GRAPH", graph);
            }

            return request;
        }

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal("social", await AllowedAsync(Http.Get("/restpp/query/social/q", token)));
            await RefusedAsync(Http.Get("/restpp/query/finance/q", token), "user kevin has no access to graph finance");
            Assert.Equal("social", await AllowedAsync(ByHeader("social")));
            await RefusedAsync(ByHeader("social", "finance"), "no access to graph social, finance"); // one line, as HttpClient joins them
            await RefusedAsync(ByHeader("finance"), "user kevin has no access to graph finance");
            var twin = ByHeader("social");
            twin.Headers.TryAddWithoutValidation("GSQL_GRAPH", "finance");
            await RefusedAsync(twin, "send the graph only as");
        }
    }

    [Fact]
    public async Task ARememberedCaller_ForwardsTheGraphItsRequestNames_EncodedAsTheFirstRequestWas()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("tigergraph")); // every graph

        async Task<(string User, string Graph)> ForwardedAsync(string graph, bool inHeader = false)
        {
            var request = Http.Get(inHeader ? "/gsql/v1/schema" : $"/restpp/query/{graph}/q", token);
            if (inHeader)
            {
                request.Headers.Add("GSQL-GRAPH", graph);
            }

            using var response = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var headers = (await response.EchoAsync()).GetProperty("headers");
            return (headers.GetProperty("X-AuthProxy-User").GetString()!, headers.GetProperty("X-AuthProxy-Graph").GetString()!);
        }

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(("tigergraph", "gr%C3%A4ph"), await ForwardedAsync("gr%C3%A4ph"));
            Assert.Equal(("tigergraph", "gr%C3%A4ph"), await ForwardedAsync("gr%C3%A4ph"));
            Assert.Equal(("tigergraph", "50%25"), await ForwardedAsync("50%", inHeader: true));
            Assert.Equal(("tigergraph", "50%25"), await ForwardedAsync("50%", inHeader: true));
            Assert.Equal(("tigergraph", "social"), await ForwardedAsync("social"));
        }
    }

    [Fact]
    public async Task ARememberedToken_MeetsThePolicyInForce_AfterTheRoutesFileChanges()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", token)).Status);
        }

        var stricter = TestRoutes.Standard(backend.BaseAddress).Replace(
            "\"Graph\": \"route:graph\", \"Privileges\": [ \"READ_DATA\" ], \"ErrorStyle\": \"Restpp\"",
            "\"Graph\": \"route:graph\", \"Privileges\": [ \"READ_DATA\", \"WRITE_DATA\" ], \"ErrorStyle\": \"Restpp\"", StringComparison.Ordinal);
        Assert.NotEqual(TestRoutes.Standard(backend.BaseAddress), stricter);
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, stricter);
        await ProxyHost.EventuallyAsync(async () => (await SendAsync(proxy, "/restpp/query/social/q", token)).Status == HttpStatusCode.Forbidden,
            "the stricter policy is in force");

        var (_, body) = await SendAsync(proxy, "/restpp/query/social/q", token);
        Assert.Contains("lacks WRITE_DATA on graph social", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAllowedRememberedRequest_IsForwardedLoggedAndCounted_LikeTheFirst()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        const int Requests = 4;
        for (var i = 0; i < Requests; i++)
        {
            proxy.Logs.Clear();
            var (status, body) = await SendAsync(proxy, "/restpp/query/social/friends", token);
            Assert.Equal(HttpStatusCode.OK, status);

            // The backend is told who is calling, on which graph, and never gets the token.
            var headers = JsonDocument.Parse(body).RootElement.GetProperty("results").GetProperty("headers");
            Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());
            Assert.Equal("social", headers.GetProperty("X-AuthProxy-Graph").GetString());
            Assert.Equal("Bearer", headers.GetProperty("X-AuthProxy-Auth-Scheme").GetString());
            Assert.False(headers.TryGetProperty("Authorization", out _));

            await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == LogEvents.RequestLogged)), "the access line is written");
            var access = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.RequestLogged);
            Assert.Equal("allowed", Field(access, "Result"));
            Assert.Equal("kevin", Field(access, "User"));
            Assert.Equal("Bearer", Field(access, "Scheme"));
            Assert.Equal("social", Field(access, "Graph"));
        }

        Assert.Equal(Requests, Decisions(proxy, "allowed", "restpp-query"));
    }

    [Fact]
    public async Task ARememberedToken_CountsAgainstItsRoutesRateLimit()
    {
        const string Limited = """
            ,
                "limited": { "Schemes": [ "Bearer" ], "Graph": "route:graph", "Privileges": [ "READ_DATA" ], "RateLimit": { "Permits": 3, "Window": "1h", "By": "user" } }
            """;
        const string LimitedRoute = """
            ,
                  "limited": { "ClusterId": "restpp", "AuthorizationPolicy": "limited", "Match": { "Path": "/limited/{graph}" } }
            """;
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, Limited, LimitedRoute));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/limited/social", token)).Status);
        }

        var (status, body) = await SendAsync(proxy, "/limited/social", token);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("rate-limited", body, StringComparison.Ordinal);
    }

    private const string ClassPolicies = """
        ,
            "basic-only": { "Schemes": [ "Basic" ] },
            "scoped": { "Schemes": [ "Bearer" ], "Scopes": [ "read" ] },
            "tenant": { "Schemes": [ "Bearer" ], "Claims": { "tenant": [ "acme" ] }, "ErrorStyle": "Problem" },
            "aud-a": { "Schemes": [ "Bearer" ], "Audiences": [ "service-a" ] },
            "default": { "Schemes": [ "Bearer", "Basic" ], "Privileges": [ "MANAGE_ACCESS_TOKENS" ], "ErrorStyle": "Problem" }
        """;

    private const string ClassRoutes = """
        ,
              "basic-only": { "ClusterId": "restpp", "AuthorizationPolicy": "basic-only", "Match": { "Path": "/restpp/basic" } },
              "scoped": { "ClusterId": "restpp", "AuthorizationPolicy": "scoped", "Match": { "Path": "/scoped" } },
              "tenant": { "ClusterId": "restpp", "AuthorizationPolicy": "tenant", "Match": { "Path": "/tenant" } },
              "aud-a": { "ClusterId": "restpp", "AuthorizationPolicy": "aud-a", "Match": { "Path": "/aud-a" } },
              "named-default": { "ClusterId": "restpp", "AuthorizationPolicy": "Default", "Match": { "Path": "/named-default" } },
              "case": { "ClusterId": "restpp", "AuthorizationPolicy": "GRAPH-READ", "Match": { "Path": "/case/{graph}" } }
        """;

    private const string Bearer = "Authorization: Bearer {0}\r\n";

    /// <summary>
    /// Requests of every class a remembered token may meet: each route's policy (Basic only, the
    /// graph from the route, the query, a header, privileges, scopes, claim rules, audiences,
    /// forwarding the header, the default policy (redefined, and named in any case), a policy named in another case, anonymous, a method the route does not take),
    /// methods, path tricks and spellings of the header. Method, target, headers ({0} is the token).
    /// </summary>
    private static readonly (string Method, string Target, string Headers, int Status)[] Classes =
    [
        ("GET", "/restpp/query/social/q", Bearer, 200),
        ("GET", "/restpp/query/finance/q", Bearer, 403),
        ("GET", "/restpp/query/Social/q", Bearer, 403),
        ("GET", "/RESTPP/QUERY/social/q", Bearer, 200),
        ("GET", "/restpp/query/social/q?graph=finance", Bearer, 200),
        ("GET", "/restpp/graph/social/vertices", Bearer, 403),
        ("GET", "/restpp/basic", Bearer, 401),
        ("GET", "/restpp/builtins?graph=social", Bearer, 200),
        ("GET", "/restpp/builtins?graph=finance", Bearer, 403),
        ("GET", "/restpp/builtins", Bearer, 403),
        ("GET", "/gsql/v1/schema", Bearer + "GSQL-GRAPH: social\r\n", 200),
        ("GET", "/gsql/v1/schema", Bearer + "GSQL-GRAPH: finance\r\n", 403),
        ("GET", "/gsql/v1/schema", Bearer, 403),
        ("GET", "/gsql/v1/schema", Bearer + "GSQL-GRAPH: social\r\nGSQL-GRAPH: finance\r\n", 403),
        ("GET", "/gsql/v1/schema?GSQL-GRAPH=finance", Bearer + "GSQL-GRAPH: social\r\n", 200),
        ("GET", "/management/v1/cluster", Bearer, 403),
        ("GET", "/restpp/keep", Bearer, 200),
        ("GET", "/restpp/version", Bearer, 403),
        ("GET", "/named-default", Bearer, 403),
        ("GET", "/case/social", Bearer, 200),
        ("GET", "/case/finance", Bearer, 403),
        ("GET", "/restpp/bearer", Bearer, 200),
        ("GET", "/restpp/echo/x", Bearer, 200),
        ("GET", "/scoped", Bearer, 200),
        ("GET", "/tenant", Bearer, 403),
        ("GET", "/aud-a", Bearer, 401),
        ("GET", "/restpp/post", Bearer, 405),
        ("POST", "/restpp/post", Bearer, 403),
        ("HEAD", "/restpp/query/social/q", Bearer, 200),
        ("OPTIONS", "/restpp/query/social/q", Bearer, 200),
        ("DELETE", "/restpp/query/finance/q", Bearer, 403),
        ("GET", "/restpp/query/social/../finance/q", Bearer, 403),
        ("GET", "/restpp/query/social%2Ffinance/q", Bearer, 400),
        ("GET", "/restpp/query/social/q", "authorization: bearer {0}\r\n", 200),
        ("GET", "/restpp/query/social/q", "Authorization: BEARER    {0}   \r\n", 200),
        ("GET", "/restpp/query/social/q", "Authorization: Bearer\t{0}\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: Bearer {0}\r\nAuthorization: Bearer {0}\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: Bearer {0}, Bearer {0}\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: Bearer {0}x\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: Bearer{0}\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: Basic {0}\r\n", 401),
        ("GET", "/restpp/query/social/q", "Authorization: {0}\r\n", 401),
    ];

    /// <summary>
    /// A remembered token gets the very answer a token of the same claims gets at its first,
    /// full check: same status, same body (the token's mask aside), whatever the route or spelling.
    /// </summary>
    [Fact]
    public async Task ARememberedToken_IsAnsweredAsAFreshOneWouldBe()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, ClassPolicies, ClassRoutes));
        var remembered = ClassToken();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/bearer", remembered)).Status);
        }

        var hits = await HitsAsync(proxy);
        var differences = new List<string>();
        foreach (var (method, target, headers, expected) in Classes)
        {
            if (await DifferenceAsync(proxy, method, target, headers, remembered, expected) is { } difference)
            {
                differences.Add(difference);
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        await ProxyHost.EventuallyAsync(async () => await HitsAsync(proxy) > hits, "the remembered token was found");
    }

    /// <summary>
    /// What can change while a token is remembered: its user's grants, its user, the route it is
    /// sent to and that route's policy. After each change it is answered as a fresh token is.
    /// </summary>
    [Fact]
    public async Task ARememberedToken_IsAnsweredAsAFreshOneWouldBe_AfterUsersAndRoutesChange()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress, ClassPolicies, ClassRoutes);
        await using var proxy = await ProxyHost.StartAsync(routes);
        var remembered = ClassToken();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", remembered)).Status);
        }

        // kevin loses READ_DATA on social, then kevin is gone.
        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, TestUsers.Json().Replace("\"social\": [ \"READ_DATA\" ]", "\"finance\": [ \"READ_DATA\" ]", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () => (await SendAsync(proxy, "/restpp/query/social/q", ClassToken())).Status == HttpStatusCode.Forbidden, "the grant is gone");
        Assert.Null(await DifferenceAsync(proxy, "GET", "/restpp/query/social/q", Bearer, remembered));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(proxy, "/restpp/query/social/q", remembered)).Status);

        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, TestUsers.Json().Replace("\"kevin\":", "\"kevin2\":", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () => (await SendAsync(proxy, "/restpp/bearer", ClassToken())).Status == HttpStatusCode.Unauthorized, "kevin is gone");
        Assert.Null(await DifferenceAsync(proxy, "GET", "/restpp/bearer", Bearer, remembered));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(proxy, "/restpp/bearer", remembered)).Status);

        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, TestUsers.Json());
        await ProxyHost.EventuallyAsync(async () => (await SendAsync(proxy, "/restpp/bearer", remembered)).Status == HttpStatusCode.OK, "kevin is back");

        // The query route is removed and the Bearer route now takes Basic only.
        var edited = routes
            .Replace("\"restpp-query\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"graph-read\", \"Match\": { \"Path\": \"/restpp/query/{graph}/{query}\" } },", string.Empty, StringComparison.Ordinal)
            .Replace("\"AuthorizationPolicy\": \"bearer-only\"", "\"AuthorizationPolicy\": \"basic-only\"", StringComparison.Ordinal);
        Assert.NotEqual(routes, edited);
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, edited);
        await ProxyHost.EventuallyAsync(async () => (await SendAsync(proxy, "/restpp/bearer", remembered)).Status == HttpStatusCode.Unauthorized, "the routes file is in force");
        Assert.Null(await DifferenceAsync(proxy, "GET", "/restpp/bearer", Bearer, remembered));
        Assert.Null(await DifferenceAsync(proxy, "GET", "/restpp/query/social/q", Bearer, remembered));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(proxy, "/restpp/query/social/q", remembered)).Status);
    }

    /// <summary>
    /// YARP route settings that name ASP.NET Core middleware AuthProxy does not run. A CorsPolicy
    /// route was answered 500 while authorization ran as ASP.NET Core's middleware (its endpoint
    /// check stopped it) and then forwarded with its CORS policy ignored; each such setting is now
    /// a routes-file problem, at start and on reload.
    /// </summary>
    [Theory]
    [InlineData("\"CorsPolicy\": \"default\"", "CorsPolicy")]
    [InlineData("\"CorsPolicy\": \"disable\"", "CorsPolicy")]
    [InlineData("\"RateLimiterPolicy\": \"default\"", "RateLimiterPolicy")]
    [InlineData("\"OutputCachePolicy\": \"default\"", "OutputCachePolicy")]
    [InlineData("\"Timeout\": \"00:00:05\"", "Timeout")]
    public async Task ARouteSettingAuthProxyDoesNotApply_IsARoutesFileProblem(string setting, string name)
    {
        var route = $$"""
            ,
                  "unapplied": { "ClusterId": "restpp", "AuthorizationPolicy": "bearer-only", {{setting}}, "Match": { "Path": "/unapplied" } }
            """;
        var start = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(
            () => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, string.Empty, route)));
        Assert.Contains($"ReverseProxy:Routes:unapplied: {name} is not applied by AuthProxy", start.Message, StringComparison.Ordinal);

        // On reload the file is refused whole and the route never serves.
        var routes = TestRoutes.Standard(backend.BaseAddress);
        await using var proxy = await ProxyHost.StartAsync(routes);
        var token = ClassToken();
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, TestRoutes.Standard(backend.BaseAddress, string.Empty, route));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1003
            && r.Message.Contains($"{name} is not applied by AuthProxy", StringComparison.Ordinal))), "the reload is refused");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(proxy, "/unapplied", token)).Status);
    }

    /// <summary>
    /// A remembered AuthProxy token: not served on the management listener, and refused as revoked
    /// from the moment it is revoked, though it was decided on the remembered path just before.
    /// </summary>
    [Fact]
    public async Task ARememberedToken_IsNotServedOnTheManagementListener_AndIsRefusedOnceRevoked()
    {
        var port = ProxyHost.FreePort();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Management:Urls"] = $"http://127.0.0.1:{port}",
        });
        using var created = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var token = (await created.JsonAsync()).GetProperty("token").GetString()!;
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", token)).Status);
        }

        var (status, body) = await Http.RawAsync(new Uri($"http://127.0.0.1:{port}/"), "/restpp/query/social/q", $"Authorization: Bearer {token}\r\n");
        Assert.Equal(404, status);
        Assert.Contains("Endpoint is not found from url = /restpp/query/social/q", body, StringComparison.Ordinal);

        using var revoked = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        (var refused, body) = await SendAsync(proxy, "/restpp/query/social/q", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Contains("has been revoked", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(proxy, "/restpp/bearer", token)).Status);
    }

    /// <summary>
    /// A remembered token is looked up once per request however its request ends: allowed, refused
    /// by the route's policy, or refused as revoked (the look-up counts say so: one hit each).
    /// </summary>
    [Fact]
    public async Task ARememberedToken_IsLookedUpOncePerRequest_AllowedOrRefused()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        using var created = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
        var token = (await created.JsonAsync()).GetProperty("token").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(proxy, "/restpp/query/social/q", token)).Status);
        }

        async Task OneHitAsync(string path, HttpStatusCode expected)
        {
            var (hits, misses) = (await LookupsAsync(proxy, "hit"), await LookupsAsync(proxy, "miss"));
            Assert.Equal(expected, (await SendAsync(proxy, path, token)).Status);
            await ProxyHost.EventuallyAsync(async () => await LookupsAsync(proxy, "hit") >= hits + 1, "the look-up is counted");
            Assert.Equal((hits + 1, misses), (await LookupsAsync(proxy, "hit"), await LookupsAsync(proxy, "miss")));
        }

        await OneHitAsync("/restpp/query/social/q", HttpStatusCode.OK);
        await OneHitAsync("/restpp/query/finance/q", HttpStatusCode.Forbidden);
        await OneHitAsync("/restpp/graph/social/v", HttpStatusCode.Forbidden);

        using var revoked = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await OneHitAsync("/restpp/query/social/q", HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// A token not remembered is checked in full once per request, however the request ends:
    /// allowed (decided by the authorization step), refused by the route's policy or refused as a
    /// token (both answered by the full path, whose Bearer scheme takes the check's result). Each
    /// request counts one look-up miss, one decision and, when the token was refused, one Bearer refusal line;
    /// every answer is the one a user of the route expects. A token that passed is remembered at its
    /// second request, not its first: one request, one check.
    /// </summary>
    [Fact]
    public async Task ANewToken_IsCheckedOncePerRequest_AllowedOrRefused()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Logging:LogLevel:AuthProxy.Authentication.BearerEvents"] = "Debug" });
        async Task OnceAsync(string path, string token, HttpStatusCode expected, string result, string? says)
        {
            // The Bearer refusal line is the scheme's: a token it refused, not one the policy refused.
            var schemeRefusals = expected == HttpStatusCode.Unauthorized ? 1 : 0;
            var (hits, misses) = (await LookupsAsync(proxy, "hit"), await LookupsAsync(proxy, "miss"));
            var counted = Decisions(proxy, result);
            proxy.Logs.Clear();

            var (status, body) = await SendAsync(proxy, path, token);
            Assert.Equal(expected, status);
            if (says is not null)
            {
                Assert.Contains(says, body, StringComparison.Ordinal);
            }

            await ProxyHost.EventuallyAsync(async () => await LookupsAsync(proxy, "miss") >= misses + 1, "the look-up is counted");
            Assert.Equal((hits, misses + 1), (await LookupsAsync(proxy, "hit"), await LookupsAsync(proxy, "miss")));
            Assert.Equal(counted + 1, Decisions(proxy, result));
            Assert.Equal(schemeRefusals, proxy.Logs.GetSnapshot().Count(r => r.Id.Id == LogEvents.BearerRefused));
        }

        // A new token each time (its own jti: two made in one second would otherwise be the same text, remembered at its second sighting).
        static string Fresh(string graph)
        {
            var claims = TestTokens.Claims("kevin", graph);
            claims["jti"] = Guid.NewGuid().ToString("N");
            return TestTokens.Hs256(claims);
        }

        async Task RememberedAtItsSecondRequestAsync(string path, string token, HttpStatusCode expected, string result, string? says)
        {
            await OnceAsync(path, token, expected, result, says);
            await OnceAsync(path, token, expected, result, says); // still a miss: the first request checked it once
            var hits = await LookupsAsync(proxy, "hit");
            Assert.Equal(expected, (await SendAsync(proxy, path, token)).Status);
            await ProxyHost.EventuallyAsync(async () => await LookupsAsync(proxy, "hit") >= hits + 1, "the third request finds it remembered");
        }

        await RememberedAtItsSecondRequestAsync("/restpp/query/social/q", Fresh("social"), HttpStatusCode.OK, "allowed", null);
        await RememberedAtItsSecondRequestAsync("/restpp/query/finance/q", Fresh("social"), HttpStatusCode.Forbidden, "refused", "is scoped to graph social, not finance");
        await RememberedAtItsSecondRequestAsync("/restpp/graph/social/v", Fresh("social"), HttpStatusCode.Forbidden, "refused", "lacks WRITE_DATA on graph social");
        await OnceAsync("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: new string('x', 48)),
            HttpStatusCode.Unauthorized, "refused", "failed signature verification");
    }

    /// <summary>
    /// The check refuses by returning, never by throwing. Should it throw all the same (here: its
    /// clock fails), a new token on a proxied route is still a refused token, answered 401 in the
    /// route's style as JwtBearer answers a failing token handler, not a 500.
    /// </summary>
    [Fact]
    public async Task ACheckThatThrows_IsARefusedToken_NotAFault()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), configure: builder =>
            builder.Services.AddSingleton(services => ActivatorUtilities.CreateInstance<AuthProxy.Authentication.TokenValidator>(services, new FailingClock())));

        var (status, body) = await SendAsync(proxy, "/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("kevin", "social")));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("\"code\":\"REST-10016\"", body, StringComparison.Ordinal);
    }

    /// <summary>A clock that fails when read, for the token check alone.</summary>
    private sealed class FailingClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("the clock failed");
    }

    /// <summary>Null when the remembered token gets the answer a fresh token of the same claims gets; otherwise both answers.</summary>
    private static async Task<string?> DifferenceAsync(ProxyHost proxy, string method, string target, string headers, string remembered, int? expected = null)
    {
        var first = await RawAsync(proxy, method, target, headers, ClassToken());
        var again = await RawAsync(proxy, method, target, headers, remembered);
        var same = first.Status == again.Status && (expected is null || first.Status == expected)
            && (first.Status >= 300 ? first.Body == again.Body : Echoed(first.Body) == Echoed(again.Body));
        return same ? null
            : $"{method} {target} [{headers.Replace("\r\n", " ", StringComparison.Ordinal)}]: expected {expected?.ToString(CultureInfo.InvariantCulture) ?? "the same"}, first {first.Status} {first.Body} / remembered {again.Status} {again.Body}";
    }

    private static string ClassToken()
    {
        var claims = TestTokens.Claims("kevin");
        claims["jti"] = Guid.NewGuid().ToString("N");
        claims["scope"] = "read";
        claims["tenant"] = "globex";
        claims["aud"] = "service-b";
        return TestTokens.Hs256(claims);
    }

    /// <summary>What the backend was told about the caller, from its echo (empty for a bodiless answer).</summary>
    private static string Echoed(string body)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("results", out var results)
            || results.ValueKind != JsonValueKind.Object || !results.TryGetProperty("headers", out var headers))
        {
            return body; // not the echo: the backend's own answer, compared whole
        }

        return string.Join('|', new[] { "X-AuthProxy-User", "X-AuthProxy-Graph", "X-AuthProxy-Auth-Scheme", "Authorization" }
            .Select(name => headers.TryGetProperty(name, out var value) ? name + "=" + (value.ValueKind == JsonValueKind.Array ? value[0].GetString() : value.GetString()) : name + " absent"));
    }

    private static async Task<(int Status, string Body)> RawAsync(ProxyHost proxy, string method, string target, string headers, string token)
    {
        var (status, body) = await Http.RawAsync(proxy.BaseAddress, target, string.Format(CultureInfo.InvariantCulture, headers, token), method);
        return (status, Masked().Replace(body.Replace(token, "TOKEN", StringComparison.Ordinal), "MASK"));
    }

    private static Task<long> HitsAsync(ProxyHost proxy) => LookupsAsync(proxy, "hit");

    /// <summary>
    /// The verified-token look-ups this proxy's own meter counts with <paramref name="result"/> (hit
    /// or miss); another proxy in the test process has a meter of the same name, which /metrics may show.
    /// </summary>
    private static Task<long> LookupsAsync(ProxyHost proxy, string result)
    {
        using var lookups = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            "AuthProxy", "authproxy.verified_tokens.lookups");
        lookups.RecordObservableInstruments();
        return Task.FromResult(lookups.GetMeasurementSnapshot().LastOrDefault(m => Equals(m.Tags["result"], result))?.Value ?? 0);
    }

    /// <summary>
    /// The decisions this proxy counted with <paramref name="result"/> (on <paramref name="route"/>,
    /// when given), read from its own meter: another proxy in the test process has one of the same name.
    /// </summary>
    private static long Decisions(ProxyHost proxy, string result, string? route = null)
    {
        using var decisions = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            "AuthProxy", "authproxy.decisions");
        decisions.RecordObservableInstruments();
        return decisions.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue("result", out var r) && Equals(r, result) && (route is null || Equals(m.Tags["route"], route)))
            .Sum(m => m.Value);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(ProxyHost proxy, string path, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get(path, token));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Field(FakeLogRecord record, string name) => record.GetStructuredStateValue(name) ?? throw new InvalidOperationException($"no {name} in {record.Message}");

    [GeneratedRegex(@"[A-Za-z0-9_.-]{4}\*\*\*\*[A-Za-z0-9_.-]{4}")]
    private static partial Regex Masked();
}
