using System.Net;
using System.Text.Json;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// <c>AuthProxy:Management:Urls</c>: /metrics and the detailed /readyz on the management listener
/// only, nothing else served there, the main listener as the operator gave it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ManagementListenerTests(BackendProcess backend)
{
    [Fact]
    public async Task MetricsAndDetailedReadiness_AreServedOnTheManagementListenerOnly()
    {
        var port = ProxyHost.FreePort();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:Management:Urls"] = $"http://127.0.0.1:{port}",
        });
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));

        // Management: metrics, detailed readiness, liveness.
        using (var metrics = await management.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("authproxy_keys_in_force", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var ready = await management.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var body = await ready.JsonAsync();
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.Contains("key source(s) loaded", body.GetProperty("checks").GetProperty("keys").GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        using (var alive = await management.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        // Main: no metrics (the usual no-route refusal, however the path is spelled), readiness as a status only, liveness.
        foreach (var path in new[] { "/metrics", "/METRICS", "/metrics/" })
        {
            using var metrics = await proxy.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
            var refusal = await metrics.JsonAsync();
            Assert.Equal("no-route", refusal.GetProperty("reason").GetString());
            Assert.DoesNotContain("authproxy_", refusal.ToString(), StringComparison.Ordinal);
        }

        using (var ready = await proxy.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var body = await ready.JsonAsync();
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.False(body.TryGetProperty("checks", out _), body.ToString());
        }

        using (var alive = await proxy.Client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        // Nothing else on the management listener: no proxied route, no token service, no JWKS.
        var elsewhere = new[]
        {
            Http.Get("/restpp/query/social/q", token),
            Http.Get("/restpp/echo/x"),
            Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }),
            Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret = "whatever" }),
            Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=s").WithBasic("kevin", TestUsers.KevinPassword),
            Http.Json(HttpMethod.Post, "/api/graphql", new { query = "{ me { corpUser { urn } } }" }).WithBearer(token),
            Http.Get("/.well-known/jwks.json"),
        };
        foreach (var request in elsewhere)
        {
            var path = request.RequestUri!.ToString();
            using var refused = await management.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.NotFound, $"{path} answered {refused.StatusCode} on the management listener");
            Assert.Equal("no-route", (await refused.JsonAsync()).GetProperty("reason").GetString());
            // In the default style, as a path no endpoint has: the refusal does not tell that the
            // endpoint exists on the other listener (GridGain's and DataHub's are RFC 7807 there).
            Assert.Equal("application/json", refused.Content.Headers.ContentType?.MediaType);
        }

        // ... while the main listener serves them, the Host header naming the management port or not.
        using (var proxied = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token)))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }

        using var spoofed = Http.Get("/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{port}";
        using (var response = await proxy.Client.SendAsync(spoofed))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var login = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task WithoutAManagementListener_MetricsAndDetailedReadiness_StayOnTheMainListener()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

        using var metrics = await proxy.Client.GetAsync("/metrics");
        using var ready = await proxy.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True((await ready.JsonAsync()).GetProperty("checks").TryGetProperty("keys", out _));
    }

    [Fact]
    public async Task MainListenerFromKestrelEndpoints_IsKept_BesideTheManagementListener()
    {
        var main = ProxyHost.FreePort();
        var port = ProxyHost.FreePort();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Kestrel:Endpoints:Public:Url"] = $"http://127.0.0.1:{main}",
            ["AuthProxy:Management:Urls"] = $"http://127.0.0.1:{port}",
        });
        using var mainClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{main}/") };
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var proxied = await mainClient.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(TestTokens.Claims("kevin", "social"))));
        using var mainMetrics = await mainClient.GetAsync("/metrics");
        using var metrics = await management.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, mainMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task TwoManagementUrls_BothServeMetrics_AndThePortsSettingIsKept()
    {
        var main = ProxyHost.FreePort();
        var first = ProxyHost.FreePort();
        var second = ProxyHost.FreePort();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["urls"] = string.Empty,
            ["http_ports"] = main.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AuthProxy:Management:Urls"] = $"http://127.0.0.1:{first}; http://127.0.0.1:{second}",
        });

        foreach (var port in new[] { first, second })
        {
            using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var metrics = await management.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }

        using var mainClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{main}/") };
        using var mainMetrics = await mainClient.GetAsync("/metrics");
        using var alive = await mainClient.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.NotFound, mainMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Message.Contains("Overriding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadManagementUrls_StopTheStart_ListingEveryProblem()
    {
        var main = ProxyHost.FreePort();
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["urls"] = $"http://127.0.0.1:{main}",
                ["AuthProxy:Management:Urls"] = $"not a url;http://127.0.0.1:0;http://127.0.0.1:{main};ftp://127.0.0.1:9;http://127.0.0.1:9091/admin;http://unix:/tmp/authproxy.sock",
                ["AuthProxy:KeyFetch:MaxRetries"] = "99",
            }));

        string[] expected =
        [
            "AuthProxy:Management:Urls: 'not a url' is not a URL Kestrel can listen on",
            "AuthProxy:Management:Urls: 'http://127.0.0.1:0' has port 0",
            $"AuthProxy:Management:Urls: 'http://127.0.0.1:{main}' uses port {main}, which the main listener uses too (http://127.0.0.1:{main})",
            "AuthProxy:Management:Urls: 'ftp://127.0.0.1:9' must be an http or https URL",
            "AuthProxy:Management:Urls: 'http://127.0.0.1:9091/admin' has a path",
            "AuthProxy:Management:Urls: 'http://unix:/tmp/authproxy.sock' is a socket or pipe",
            "MaxRetries",
        ];
        foreach (var text in expected)
        {
            Assert.True(failure.Problems.Any(p => p.Contains(text, StringComparison.Ordinal)), text + " not in:\n" + string.Join("\n", failure.Problems));
        }
    }

    [Fact]
    public async Task ConfigSet_RefusesAManagementPortOfTheMainListener()
    {
        var directory = ProxyHost.CreateDirectory();
        var settings = Path.Combine(directory, "authproxy.settings.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        await AuthProxy.Hosting.Cli.RunAsync(["config", "--settings", settings, "set", "Urls", "http://0.0.0.0:8080"], new StringReader(string.Empty), output, error);
        var exit = await AuthProxy.Hosting.Cli.RunAsync(["config", "--settings", settings, "set", "AuthProxy.Management.Urls", "http://127.0.0.1:8080"],
            new StringReader(string.Empty), output, error);

        Assert.Equal(2, exit);
        Assert.Contains("uses port 8080, which the main listener uses too", error.ToString(), StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(await File.ReadAllTextAsync(settings)).RootElement.TryGetProperty("AuthProxy", out _));
    }
}
