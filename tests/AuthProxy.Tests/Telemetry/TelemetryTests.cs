using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthProxy.Tests.Telemetry;

/// <summary>Spans, metric points and log records as an exporter sees them, and /metrics as Prometheus scrapes it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class TelemetryTests(BackendProcess backend) : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly List<LogRecord> _logs = [];
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
        settings: new Dictionary<string, string> { ["AuthProxy:Telemetry:Tracing"] = "true" }, configure: builder =>
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(_spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics))
            .WithLogging(logging => logging.AddInMemoryExporter(_logs)));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private List<Activity> Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    private Activity DecisionSpan(string result) =>
        Assert.Single(Spans(), s => s.OperationName == "authproxy.authorize" && (string?)s.GetTagItem("authproxy.result") == result);

    [Fact]
    public async Task RefusedAndAllowedRequests_ProduceDecisionSpans_AndMetricPoints()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using (var refused = await _proxy.Client.SendAsync(Http.Get("/restpp/query/finance/q", token)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var allowed = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token)))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var refusal = DecisionSpan("refused");
        Assert.Equal("restpp-query", refusal.GetTagItem("authproxy.route"));
        Assert.Equal("graph-read", refusal.GetTagItem("authproxy.policy"));
        Assert.Equal("Bearer", refusal.GetTagItem("authproxy.scheme"));
        Assert.Equal("graph-scope", refusal.GetTagItem("authproxy.reason"));
        Assert.Equal(ActivityStatusCode.Error, refusal.Status);
        var allowedSpan = DecisionSpan("allowed");
        Assert.Equal("none", allowedSpan.GetTagItem("authproxy.reason"));
        Assert.Equal("kevin", allowedSpan.GetTagItem("authproxy.user"));

        _proxy.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var decisions = MetricPoints("authproxy.decisions");
        Assert.Contains(decisions, p => Tag(p, "result") == "refused" && Tag(p, "reason") == "graph-scope" && Tag(p, "route") == "restpp-query" && p.GetSumLong() == 1);
        Assert.Contains(decisions, p => Tag(p, "result") == "allowed" && p.GetSumLong() == 1);
        var latency = MetricPoints("authproxy.decision.duration");
        Assert.Contains(latency, p => Tag(p, "result") == "allowed" && p.GetHistogramCount() == 1);
        // Timed from the start of the decision: a latency of zero would mean its start was never noted.
        Assert.All(latency, p => Assert.True(p.GetHistogramSum() > 0, "a decision's latency is measured"));
        Assert.Equal("s", _metrics.Single(m => m.Name == "authproxy.decision.duration").Unit);
        Assert.False(string.IsNullOrEmpty(_metrics.Single(m => m.Name == "authproxy.decisions").Description));
        Assert.Contains(MetricPoints("authproxy.upstream.duration"), p => Tag(p, "cluster") == "restpp" && Tag(p, "outcome") == "2xx");
    }

    [Fact]
    public async Task ADecisionByAuthenticationAndAuthorizationMiddleware_IsTimed_AndForwardsItsIdentity()
    {
        // Basic is decided by ASP.NET Core's authorization middleware, which sets the request's
        // authentication result: the decision's start, noted before, must survive it.
        using (var allowed = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            var headers = JsonDocument.Parse(await allowed.Content.ReadAsStringAsync()).RootElement.GetProperty("results").GetProperty("headers");
            Assert.Equal("kevin", headers.GetProperty("X-AuthProxy-User").GetString());
            Assert.Equal("social", headers.GetProperty("X-AuthProxy-Graph").GetString());
            Assert.Equal("Basic", headers.GetProperty("X-AuthProxy-Auth-Scheme").GetString());
            Assert.False(headers.TryGetProperty("Authorization", out _));
        }

        var span = DecisionSpan("allowed");
        Assert.Equal("Basic", span.GetTagItem("authproxy.scheme"));
        Assert.True(span.Duration > TimeSpan.Zero, "the span covers the decision");
        _proxy.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var latency = Assert.Single(MetricPoints("authproxy.decision.duration"), p => Tag(p, "route") == "restpp-query");
        Assert.Equal(1, latency.GetHistogramCount());
        Assert.True(latency.GetHistogramSum() > 0, "the decision is timed from its start");
    }

    [Fact]
    public async Task TheProxiedRequest_IsOneTrace_ContinuedAtTheBackend()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        var traceparent = (await response.EchoAsync()).GetProperty("headers").GetProperty("traceparent").GetString()!;

        var traceId = traceparent.Split('-')[1];
        var trace = Spans().Where(s => s.TraceId.ToHexString() == traceId).ToList();
        Assert.Contains(trace, s => s.OperationName == "authproxy.authorize");
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(trace, s => s.Source.Name == "Yarp.ReverseProxy");
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.Source.Name == "System.Net.Http");
    }

    [Fact]
    public async Task TokenServices_ProduceIssueAndRevokeSpans()
    {
        using var login = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        var token = await login.Content.ReadAsStringAsync();
        using var revoke = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{token}").WithBearer(token));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var issue = Assert.Single(Spans(), s => s.OperationName == "authproxy.token.issue");
        Assert.Equal("gridgain", issue.GetTagItem("authproxy.token.family"));
        Assert.Equal("kevin", issue.GetTagItem("authproxy.token.user") ?? issue.GetTagItem("authproxy.user"));
        Assert.Contains(Spans(), s => s.OperationName == "authproxy.token.revoke" && (string?)s.GetTagItem("authproxy.token.family") == "gridgain");
        _proxy.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Assert.Contains(MetricPoints("authproxy.tokens.issued"), p => Tag(p, "family") == "gridgain");
        Assert.Contains(MetricPoints("authproxy.tokens.revoked"), p => Tag(p, "family") == "gridgain");
    }

    [Fact]
    public async Task Revocations_AreCountedOncePerToken_ByFamily_AndTheirSpansSayHowMany()
    {
        async Task<string> LoginAsync(string user, string password)
        {
            using var login = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = user, password }));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            return await login.Content.ReadAsStringAsync();
        }

        async Task<string> GsqlAsync()
        {
            using var created = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            return (await created.JsonAsync()).GetProperty("token").GetString()!;
        }

        // One GridGain token revoked twice: one token revoked.
        var own = await LoginAsync("kevin", TestUsers.KevinPassword);
        for (var i = 0; i < 2; i++)
        {
            using var revoke = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{own}").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // Two GSQL tokens dropped by their owner; then every token of another user, three, at once.
        using (var drop = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = $"{await GsqlAsync()}, {await GsqlAsync()}" })
            .WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, drop.StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            await LoginAsync("tigergraph", TestUsers.TigerGraphPassword);
        }

        using (var revokeUser = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=tigergraph")
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, revokeUser.StatusCode);
        }

        _proxy.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var revoked = MetricPoints("authproxy.tokens.revoked");
        long Revoked(string family) => Assert.Single(revoked.Where(p => Tag(p, "family") == family).Select(p => p.GetSumLong()).Distinct());
        Assert.Equal(1, Revoked("gridgain"));
        Assert.Equal(2, Revoked("gsql"));
        Assert.Equal(3, Revoked("all"));
        Assert.DoesNotContain(revoked, p => Tag(p, "family") == "personal");

        var spans = Spans().Where(s => s.OperationName == "authproxy.token.revoke").ToList();
        Assert.Equal(4, spans.Count);
        Assert.Equal(2, spans.Count(s => (string?)s.GetTagItem("authproxy.token.family") == "gridgain" && Equals(s.GetTagItem("authproxy.token.count"), 1)));
        Assert.Single(spans, s => (string?)s.GetTagItem("authproxy.token.family") == "gsql" && Equals(s.GetTagItem("authproxy.token.count"), 2));
        Assert.Single(spans, s => (string?)s.GetTagItem("authproxy.token.family") == "all" && Equals(s.GetTagItem("authproxy.token.count"), 3));
    }

    [Fact]
    public async Task NoTokenSecretOrPassword_AppearsInAnyExportedAttributeOrLogRecord()
    {
        var thirdParty = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var forged = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: "a-forged-secret-that-is-long-enough-0123456789");
        using var login = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        var own = await login.Content.ReadAsStringAsync();
        using var secretResponse = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=s").WithBasic("kevin", TestUsers.KevinPassword));
        var secret = (await secretResponse.JsonAsync()).GetProperty("results").GetProperty("value").GetString()!;

        await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", thirdParty));
        await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forged));
        await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", "wrong-password-value"));
        await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }));
        await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = "another-wrong-password" }));
        await _proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{own}").WithBearer(own));
        _proxy.Services.GetRequiredService<LoggerProvider>().ForceFlush();

        string[] secrets = [thirdParty, forged, own, secret, TestUsers.KevinPassword, "wrong-password-value", "another-wrong-password",
            thirdParty.Split('.')[2], own.Split('.')[2], TestTokens.HmacSecret];
        var exported = new List<string>();
        foreach (var span in Spans())
        {
            exported.Add(span.DisplayName);
            exported.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            exported.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")));
        }

        lock (_logs)
        {
            foreach (var record in _logs)
            {
                exported.Add(record.FormattedMessage ?? string.Empty);
                exported.Add(record.Body ?? string.Empty);
                exported.AddRange(record.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
                exported.Add(record.Exception?.ToString() ?? string.Empty);
            }
        }

        Assert.NotEmpty(exported);
        foreach (var value in secrets)
        {
            Assert.DoesNotContain(exported, e => e.Contains(value, StringComparison.Ordinal));
        }

        // The refusals were logged, with the token masked.
        Assert.Contains(exported, e => e.Contains(TestTokens.Mask(forged), StringComparison.Ordinal));
    }

    /// <summary>An identity provider over TLS serving <paramref name="key"/> at <c>/jwks</c>.</summary>
    private static WireMock.Server.WireMockServer ServeKeys(TestCertificateAuthority ca, TestKey key)
    {
        var idp = IdentityProviderServer.Start(ca.IssueServer("localhost"));
        idp.Serve("/jwks", IdentityProviderServer.Ok(TestKey.Jwks(key)));
        return idp;
    }

    /// <summary>A provider whose keys AuthProxy fetches from <paramref name="idp"/>, trusting <paramref name="ca"/>.</summary>
    private static Dictionary<string, string> KeyUrlSettings(TestCertificateAuthority ca, WireMock.Server.WireMockServer idp) => new()
    {
        ["Security:JWT:CaCertificate"] = ca.WriteBundle(ProxyHost.CreateDirectory()),
        ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
        ["Security:JWT:Providers:corp:Keys:0"] = idp.Url("/jwks").ToString(),
    };

    /// <summary>
    /// A forwarded request is measured once, by <c>authproxy.upstream.duration</c>; HttpClient's
    /// <c>http.client.request.duration</c> measures AuthProxy's own calls (a key fetch) and, with
    /// <c>AuthProxy:Telemetry:ForwardedHttpClientMetrics</c>, forwarded requests too.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ForwardedRequests_AreMeasuredByHttpClient_OnlyWhenAskedFor(bool forwardedHttpClientMetrics)
    {
        using var ca = new TestCertificateAuthority();
        using var key = TestKey.Ec("k1");
        using var idp = ServeKeys(ca, key);
        var settings = KeyUrlSettings(ca, idp);
        settings["AuthProxy:Telemetry:ForwardedHttpClientMetrics"] = forwardedHttpClientMetrics ? "true" : "false";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);

        for (var i = 0; i < 3; i++)
        {
            using var forwarded = await proxy.Client.SendAsync(Http.Get("/restpp/echo/measured"));
            Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        }

        var text = await proxy.Client.GetStringAsync("/metrics");
        string[] durations = [.. text.Split('\n').Where(line => line.StartsWith("http_client_request_duration_seconds_count{", StringComparison.Ordinal))];
        Assert.Contains(durations, line => line.Contains($"server_port=\"{idp.Url("/").Port}\"", StringComparison.Ordinal));
        Assert.Equal(forwardedHttpClientMetrics, durations.Any(line => line.Contains($"server_port=\"{backend.BaseAddress.Port}\"", StringComparison.Ordinal)));
        Assert.Matches(@"(?m)^authproxy_upstream_duration_seconds_count\{[^}]*cluster=""restpp""[^}]*\} 3( |$)", text);
    }

    [Fact]
    public async Task MetricsEndpoint_ServesTheDocumentedSeries_AndEverySeriesTheDashboardQueries()
    {
        // Traffic that touches every instrument: decisions, a key URL, tokens issued and revoked, throttling.
        using var ca = new TestCertificateAuthority();
        using var key = TestKey.Ec("k1");
        using var idp = ServeKeys(ca, key);
        var settings = KeyUrlSettings(ca, idp);
        settings["AuthProxy:Throttling:AccountFailures"] = "1";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);

        var token = await (await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login",
            new { username = "kevin", password = TestUsers.KevinPassword }))).Content.ReadAsStringAsync();
        await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q"));
        await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{token}").WithBasic("kevin", TestUsers.KevinPassword));
        await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("tigergraph", "wrong"));
        await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("tigergraph", "wrong"));

        using var response = await proxy.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var exported = MetricNamePattern().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        string[] documented =
        [
            "authproxy_decisions_total", "authproxy_decision_duration_seconds_bucket", "authproxy_key_fetches_total", "authproxy_keys_in_force",
            "authproxy_keys_age_seconds", "authproxy_tokens_issued_total", "authproxy_tokens_revoked_total", "authproxy_revocations",
            "authproxy_throttled_total", "authproxy_upstream_duration_seconds_bucket",
        ];
        Assert.All(documented, name => Assert.Contains(name, exported));
        // .NET's own: memory, allocation, GC and CPU time of the process.
        Assert.All(["dotnet_process_memory_working_set_bytes", "dotnet_gc_heap_total_allocated_bytes_total", "dotnet_gc_collections_total",
            "dotnet_process_cpu_time_seconds_total"], name => Assert.Contains("\n" + name, text, StringComparison.Ordinal));
        // ASP.NET Core's and HttpClient's: requests served and requests sent to backends and key providers.
        Assert.All(["http_server_request_duration_seconds_bucket", "http_client_request_duration_seconds_bucket", "kestrel_active_connections"],
            name => Assert.Contains("\n" + name, text, StringComparison.Ordinal));
        // Measured on every request and counted by the durations already: not collected, so not measured.
        Assert.All(["http_server_active_requests", "http_client_active_requests", "http_client_open_connections", "aspnetcore_routing_match_attempts"],
            name => Assert.DoesNotContain(name, text, StringComparison.Ordinal));

        var dashboard = await File.ReadAllTextAsync(Path.Combine(Routing.RoutesFileReaderTests.FindRepositoryRoot(), "deploy", "grafana", "authproxy.json"));
        var queried = JsonDocument.Parse(dashboard).RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .SelectMany(expr => MetricNamePattern().Matches(expr).Select(m => m.Value))
            // Only an instance following a shared store applies changes made elsewhere and records
            // their delay; DeployExampleTests checks those series on two instances sharing PostgreSQL.
            .Where(name => !name.StartsWith("authproxy_store_change_delay_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.True(exported.Contains(name), $"the dashboard queries {name}, which /metrics does not export"));
    }

    /// <summary>
    /// Instruments tagged by route keep a series for every route of a large routes file (more than
    /// the 100 series an instrument of fixed tags may have), and nothing overflows.
    /// </summary>
    [Fact]
    public async Task RouteTaggedInstruments_KeepASeriesForEveryRoute_OfALargeRoutesFile()
    {
        const int Routes = 150;
        var many = string.Concat(Enumerable.Range(0, Routes).Select(i =>
            $$""", "many-{{i}}": { "ClusterId": "restpp", "AuthorizationPolicy": "bearer-only", "Match": { "Path": "/restpp/many/{{i}}" } }"""));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, extraRoutes: many));
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        for (var i = 0; i < Routes; i++)
        {
            using var response = await proxy.Client.SendAsync(Http.Get($"/restpp/many/{i}", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var metrics = await proxy.Client.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        int SeriesOfManyRoutes(string metric, string label) =>
            new Regex("^" + metric + @"\{[^}]*" + label + @"=""(?:/restpp/)?many[-/](\d+)""", RegexOptions.Multiline)
                .Matches(text).Select(m => m.Groups[1].Value).Distinct().Count();
        Assert.Equal(Routes, SeriesOfManyRoutes("authproxy_decisions_total", "route"));
        Assert.Equal(Routes, SeriesOfManyRoutes("authproxy_decision_duration_seconds_count", "route"));
        Assert.Equal(Routes, SeriesOfManyRoutes("http_server_request_duration_seconds_count", "http_route"));
        Assert.DoesNotContain("otel_metric_overflow", text, StringComparison.Ordinal);
    }

    private List<MetricPoint> MetricPoints(string name)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add(point);
            }
        }

        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    [GeneratedRegex(@"authproxy_[a-z_]+")]
    private static partial Regex MetricNamePattern();

    [Fact]
    public async Task PrometheusOff_LeavesMetricsUnserved()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Telemetry:Prometheus"] = "false" });

        using var metrics = await proxy.Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.DoesNotContain("authproxy_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
