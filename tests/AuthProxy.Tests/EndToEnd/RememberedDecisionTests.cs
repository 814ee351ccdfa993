using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
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

        await ProxyHost.EventuallyAsync(async () => await AllowedAsync(proxy, "restpp-query") == Requests, $"{Requests} allowed decisions are counted");
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

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(ProxyHost proxy, string path, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get(path, token));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Field(FakeLogRecord record, string name) => record.GetStructuredStateValue(name) ?? throw new InvalidOperationException($"no {name} in {record.Message}");

    /// <summary>The allowed decisions /metrics counts on the route.</summary>
    private static async Task<long> AllowedAsync(ProxyHost proxy, string route)
    {
        var text = await proxy.Client.GetStringAsync("/metrics");
        long total = 0;
        foreach (Match line in DecisionLine().Matches(text))
        {
            if (line.Groups["labels"].Value.Contains($"route=\"{route}\"", StringComparison.Ordinal)
                && line.Groups["labels"].Value.Contains("result=\"allowed\"", StringComparison.Ordinal))
            {
                total += long.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^authproxy_decisions_total\{(?<labels>[^}]*)\} (?<value>\d+)", RegexOptions.Multiline)]
    private static partial Regex DecisionLine();
}
