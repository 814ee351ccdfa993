using System.Net;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// One structured access line per request, allowed or refused, with its route, method, path without
/// the query, user, graph, result, reason, status, duration, client address and trace id; never a
/// token; its level and sampling are settings. A refusal is logged once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AccessLogTests(BackendProcess backend)
{
    private static readonly string[] Fields = ["Method", "Path", "Status", "Result", "Reason", "Route", "User", "Scheme", "Graph", "ClientAddress", "DurationMs", "TraceId", "Detail"];

    /// <summary>Sends the request, waits for its access line, and returns it with every line the request wrote at Information or above.</summary>
    private static async Task<(HttpStatusCode Status, string Body, FakeLogRecord Access, IReadOnlyList<FakeLogRecord> Lines)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        proxy.Logs.Clear();
        using (request)
        using (var response = await proxy.Client.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == LogEvents.RequestLogged)), "the access line is written");
            var lines = proxy.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information && r.Category != "AuthProxy.Health.ReadinessLog").ToList();
            return (response.StatusCode, body, Assert.Single(lines, r => r.Id.Id == LogEvents.RequestLogged), lines);
        }
    }

    private static string Field(FakeLogRecord record, string name) => record.GetStructuredStateValue(name) ?? throw new InvalidOperationException($"no {name} in {record.Message}");

    [Fact]
    public async Task AnAllowedRequest_IsOneLine_WithItsUserGraphRouteAndTraceId()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        var (status, body, access, lines) = await SendAsync(proxy, Http.Get("/restpp/query/social/friends?limit=3&token=query-secret", token));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(lines);
        Assert.Equal(LogLevel.Information, access.Level);
        Assert.Equal("AuthProxy.Access", access.Category);
        Assert.All(Fields, f => Assert.NotNull(access.GetStructuredStateValue(f)));
        Assert.Equal("GET", Field(access, "Method"));
        Assert.Equal("/restpp/query/social/friends", Field(access, "Path"));
        Assert.Equal("200", Field(access, "Status"));
        Assert.Equal("allowed", Field(access, "Result"));
        Assert.Equal("none", Field(access, "Reason"));
        Assert.Equal("restpp-query", Field(access, "Route"));
        Assert.Equal("kevin", Field(access, "User"));
        Assert.Equal("Bearer", Field(access, "Scheme"));
        Assert.Equal("social", Field(access, "Graph"));
        Assert.Equal("127.0.0.1", Field(access, "ClientAddress"));
        Assert.True(double.Parse(Field(access, "DurationMs"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The same trace the backend was handed.
        var traceparent = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("results").GetProperty("headers").GetProperty("traceparent").GetString()!;
        Assert.Equal(traceparent.Split('-')[1], Field(access, "TraceId"));
        Assert.DoesNotContain("query-secret", access.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, access.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForbiddenRequests_GraphScopeAndPrivilege_AreOneLineEach_NamingUserGraphAndReason()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var scoped = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        var graph = await SendAsync(proxy, Http.Get("/restpp/query/finance/q", scoped));
        var privilege = await SendAsync(proxy, Http.Get("/restpp/graph/social/vertices").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.Forbidden, graph.Status);
        Assert.Single(graph.Lines);
        Assert.Equal(("403", "refused", "graph-scope", "kevin", "finance"),
            (Field(graph.Access, "Status"), Field(graph.Access, "Result"), Field(graph.Access, "Reason"), Field(graph.Access, "User"), Field(graph.Access, "Graph")));
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(scoped)}' is scoped to graph social, not finance", Field(graph.Access, "Detail"));
        Assert.Equal(HttpStatusCode.Forbidden, privilege.Status);
        Assert.Single(privilege.Lines);
        Assert.Equal(("403", "refused", "privilege", "kevin", "social", "Basic", "restpp-graph"),
            (Field(privilege.Access, "Status"), Field(privilege.Access, "Result"), Field(privilege.Access, "Reason"), Field(privilege.Access, "User"),
             Field(privilege.Access, "Graph"), Field(privilege.Access, "Scheme"), Field(privilege.Access, "Route")));
        Assert.Equal("Access Denied because user kevin lacks WRITE_DATA on graph social", Field(privilege.Access, "Detail"));
    }

    [Fact]
    public async Task EveryUnauthorized_IsLoggedOnce()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var forged = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: "another-secret-that-is-long-enough-0123456789");
        (HttpRequestMessage Request, string Reason, string Scheme)[] cases =
        [
            (Http.Get("/restpp/query/social/q"), "missing", "-"),
            (Http.Get("/restpp/query/social/q", forged), "verification", "Bearer"),
            (Http.Get("/restpp/query/social/q").WithBasic("kevin", "wrong-password"), "verification", "Basic"),
            (Http.Get("/restpp/query/social/q").WithBasic("ghost", "any"), "verification", "Basic"),
            (Http.Get("/restpp/query/social/q", "short"), "missing", "Bearer"),
        ];

        foreach (var (request, reason, scheme) in cases)
        {
            var (status, _, access, lines) = await SendAsync(proxy, request);

            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.True(lines.Count == 1, string.Join("\n", lines.Select(l => $"{l.Category}[{l.Id.Id}] {l.Message}")));
            Assert.Equal((reason, "-", scheme, "401"), (Field(access, "Reason"), Field(access, "User"), Field(access, "Scheme"), Field(access, "Status")));
            Assert.DoesNotContain(forged, access.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-password", access.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ATokenInThePath_OrTheQuery_NeverReachesTheLine()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        var revoke = await SendAsync(proxy, Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{token}").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        var echo = await SendAsync(proxy, Http.Get($"/restpp/echo/x?access_token={token}"));

        Assert.Equal("/management/v1/authentication/jwt/{token}", Field(revoke.Access, "Path"));
        Assert.Equal("/restpp/echo/x", Field(echo.Access, "Path"));
        Assert.All(new[] { revoke.Access, echo.Access }, r => Assert.DoesNotContain(token[10..40], r.Message + string.Join(",", r.StructuredState!), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sampling_LogsAnEvenShare_AndTheLevelIsASetting()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:AccessLog:AllowedSampleRate"] = "0.25",
            ["AuthProxy:AccessLog:RefusedSampleRate"] = "0",
            ["AuthProxy:AccessLog:Level"] = "Warning",
        });
        proxy.Logs.Clear();

        for (var i = 0; i < 8; i++)
        {
            using var allowed = await proxy.Client.GetAsync("/restpp/echo/x");
            using var refused = await proxy.Client.GetAsync("/restpp/query/social/q");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Count(r => r.Id.Id == LogEvents.RequestLogged) >= 2), "two lines are written");
        await Task.Delay(500);
        var lines = proxy.Logs.GetSnapshot().Where(r => r.Id.Id == LogEvents.RequestLogged).ToList();
        Assert.Equal(2, lines.Count); // a quarter of 8 allowed, none of 8 refused
        Assert.All(lines, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.All(lines, l => Assert.Equal("allowed", Field(l, "Result")));
    }

    [Fact]
    public async Task LevelNone_TurnsTheAccessLogOff()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:AccessLog:Level"] = "None",
        });
        proxy.Logs.Clear();

        using (var response = await proxy.Client.GetAsync("/restpp/query/social/q"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        await Task.Delay(500);
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.RequestLogged);
    }
}
