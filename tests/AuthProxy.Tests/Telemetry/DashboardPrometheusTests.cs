using System.Globalization;
using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.Telemetry;

/// <summary>
/// The Grafana dashboard, checked by the real thing: a real Prometheus scrapes a running AuthProxy
/// after traffic of every kind, and every <c>expr</c> of <c>deploy/grafana/authproxy.json</c> is
/// evaluated through Prometheus's HTTP API; each must parse and return data.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DashboardPrometheusTests(BackendProcess backend) : IAsyncLifetime
{
    /// <summary>What Grafana's <c>$__rate_interval</c> stands for here: it spans the whole traffic at a 1 s scrape interval.</summary>
    private const string RateInterval = "1m";

    private readonly TestCertificateAuthority _ca = new();
    private WireMockServer _idp = null!;
    private string _bundle = null!;

    public Task InitializeAsync()
    {
        _idp = Start(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(ProxyHost.CreateDirectory());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task EveryDashboardQuery_ParsesAndReturnsData_InARealPrometheus_AfterTrafficOfEveryKind()
    {
        using var idpKey = TestKey.Ec("idp-1");
        _idp.Serve("/jwks", Ok(TestKey.Jwks(idpKey)));
        _idp.Serve("/down", Response.Create().WithStatusCode(503));
        // On PostgreSQL, as replicas run: the store panels (changes applied from the shared log) have data too.
        var store = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Store:Provider"] = "PostgreSQL",
            ["AuthProxy:Store:ConnectionString"] = store,
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:idp:Issuer"] = "https://idp.example",
            ["Security:JWT:Providers:idp:Audiences:0"] = "authproxy",
            ["Security:JWT:Providers:idp:Keys:0"] = _idp.Url("/jwks").ToString(),
            ["Security:JWT:Providers:down:Issuer"] = "https://down.example",
            ["Security:JWT:Providers:down:Keys:0"] = _idp.Url("/down").ToString(),
            ["AuthProxy:KeyFetch:MaxRetries"] = "0",
            ["AuthProxy:KeyFetch:InitialLoadTimeout"] = "2s",
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "1s",
            ["AuthProxy:Throttling:AccountFailures"] = "2",
        });
        await using var prometheus = await PrometheusServer.StartAsync(proxy.BaseAddress.Authority);

        var reasons = await TrafficAsync(proxy, idpKey);
        await prometheus.ScrapedAfterAsync(Now() + 1);
        await TrafficAsync(proxy, idpKey);
        await prometheus.ScrapedAfterAsync(Now() + 1);

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Routing.RoutesFileReaderTests.FindRepositoryRoot(), "deploy", "grafana", "authproxy.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Panel: p.GetProperty("title").GetString(), Expr: t.GetProperty("expr").GetString()!)))
            .ToList();
        Assert.True(queries.Count >= 10, $"the dashboard has {queries.Count} queries");

        var failures = new List<string>();
        foreach (var (panel, expr) in queries)
        {
            var query = expr.Replace("$__rate_interval", RateInterval, StringComparison.Ordinal);
            var (status, error, samples) = await prometheus.QueryAsync(query);
            if (status != "success")
            {
                failures.Add($"{panel}: {query}: {error}");
            }
            else if (samples.Count == 0)
            {
                failures.Add($"{panel}: {query}: no data");
            }
            else if (!samples.Any(s => double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)))
            {
                failures.Add($"{panel}: {query}: only {string.Join(", ", samples.Select(s => s.Value))}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The refusals panel shows each reason the traffic caused.
        var (_, _, byReason) = await prometheus.QueryAsync($"sum by (reason) (rate(authproxy_decisions_total{{result=\"refused\"}}[{RateInterval}]))");
        var shown = byReason.Select(s => s.Metric.GetProperty("reason").GetString()).ToHashSet();
        Assert.All(reasons, reason => Assert.Contains(reason, shown));
    }

    private static double Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Allowed requests, a refusal for each reason, tokens issued and revoked, a throttled login; returns the reasons caused.</summary>
    private static async Task<string[]> TrafficAsync(ProxyHost proxy, TestKey idpKey)
    {
        var client = proxy.Client;
        var kevin = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        async Task ExpectAsync(HttpRequestMessage request, HttpStatusCode status, string? reason = null)
        {
            using (request)
            using (var response = await client.SendAsync(request))
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == status, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
                if (reason is not null)
                {
                    Assert.Contains($"\"reason\":\"{reason}\"", body, StringComparison.Ordinal);
                }
            }
        }

        static System.Text.Json.Nodes.JsonObject Idp(string audience)
        {
            var claims = TestTokens.Claims("kevin", "social");
            claims["iss"] = "https://idp.example";
            claims["aud"] = audience;
            return claims;
        }

        // Allowed: Bearer from the TigerGraph-named secret, from a provider's URL keys, and Basic.
        await ExpectAsync(Http.Get("/restpp/query/social/q", kevin), HttpStatusCode.OK);
        await ExpectAsync(Http.Get("/restpp/query/social/q", idpKey.Sign(Idp("authproxy"))), HttpStatusCode.OK);
        await ExpectAsync(Http.Get("/restpp/query/finance/q").WithBasic("tigergraph", TestUsers.TigerGraphPassword), HttpStatusCode.OK);

        // Refused, one reason each.
        var expired = TestTokens.Claims("kevin", "social", now: TestTokens.Now - 7200);
        var stranger = TestTokens.Claims("kevin", "social");
        stranger["iss"] = "https://stranger.example";
        var down = TestTokens.Claims("kevin", "social");
        down["iss"] = "https://down.example";
        await ExpectAsync(Http.Get("/restpp/query/social/q"), HttpStatusCode.Unauthorized, "missing");
        await ExpectAsync(Http.Get("/restpp/query/social/q", "this-is-not-a-jwt-at-all"), HttpStatusCode.Unauthorized, "format");
        await ExpectAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: "another-secret-that-is-long-enough-0123456789")),
            HttpStatusCode.Unauthorized, "verification");
        await ExpectAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(expired)), HttpStatusCode.Unauthorized, "expired");
        await ExpectAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(stranger, secret: "another-secret-that-is-long-enough-0123456789")),
            HttpStatusCode.Unauthorized, "issuer");
        await ExpectAsync(Http.Get("/restpp/query/social/q", idpKey.Sign(Idp("someone-else"))), HttpStatusCode.Unauthorized, "audience");
        await ExpectAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("nobody"))), HttpStatusCode.Unauthorized, "unknown-user");
        await ExpectAsync(Http.Get("/restpp/query/social/q", idpKey.Sign(down)), HttpStatusCode.Unauthorized, "key-unavailable");
        await ExpectAsync(Http.Get("/restpp/query/finance/q", kevin), HttpStatusCode.Forbidden, "graph-scope");
        await ExpectAsync(Http.Get("/restpp/graph/social/x").WithBasic("kevin", TestUsers.KevinPassword), HttpStatusCode.Forbidden, "privilege");

        // A token issued, then blocked by its owner (revoked), then refused; a GridGain login and a user-wide revoke.
        using (var issued = await client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            var token = (await issued.JsonAsync()).GetProperty("token").GetString()!;
            await ExpectAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword), HttpStatusCode.OK);
            await ExpectAsync(Http.Get("/restpp/query/social/q", token), HttpStatusCode.Unauthorized, "revoked");
        }

        await ExpectAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "tigergraph", password = TestUsers.TigerGraphPassword }),
            HttpStatusCode.OK);
        await ExpectAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=tigergraph").WithBasic("tigergraph", TestUsers.TigerGraphPassword),
            HttpStatusCode.OK);

        // Wrong passwords until the account's budget at this address is spent (a new name each round): the next attempt is throttled.
        var guesser = "guess-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 2; i++)
        {
            await ExpectAsync(Http.Get("/restpp/query/social/q").WithBasic(guesser, "wrong"), HttpStatusCode.Unauthorized, "verification");
        }

        await ExpectAsync(Http.Get("/restpp/query/social/q").WithBasic(guesser, "wrong"), HttpStatusCode.TooManyRequests, "throttled");
        return ["missing", "format", "verification", "expired", "issuer", "audience", "unknown-user", "key-unavailable", "graph-scope", "privilege", "revoked", "throttled"];
    }
}
