using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A policy's <c>RateLimit</c> and <c>Concurrency</c>, end to end against the sample backend with
/// real clocks and generous windows: counts and statuses are asserted, never how fast anything was.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RouteLimitTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(LimitRoutes.Limits(backend.BaseAddress), users: UsersWithRotation(40),
        settings: new Dictionary<string, string> { ["AuthProxy:Limits:PartitionsPerPolicy"] = "16" });

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>The test users plus token-only users rotate0 … rotate(n-1).</summary>
    private static string UsersWithRotation(int count)
    {
        var users = TestUsers.Json();
        var extra = string.Concat(Enumerable.Range(0, count).Select(i => $",\n\"rotate{i}\": {{ \"Graphs\": {{ \"social\": [ \"READ_DATA\" ] }} }}"));
        var end = users.LastIndexOf('}', users.LastIndexOf('}') - 1);
        return users[..end] + extra + users[end..];
    }

    private static string Token(string user) => TestTokens.Hs256(TestTokens.Claims(user));

    private async Task<HttpResponseMessage> SendAsync(string path, string user, CancellationToken cancellationToken = default) =>
        await _proxy.Client.SendAsync(Http.Get(path, Token(user)), cancellationToken);

    private async Task<HttpStatusCode> StatusAsync(string path, string user)
    {
        using var response = await SendAsync(path, user);
        return response.StatusCode;
    }

    [Fact]
    public async Task RateLimit_TheBurstPasses_TheNextGets429WithRetryAfter_AndTheWindowRefills()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("/limited/a", "kevin"));
        }

        using (var refused = await SendAsync("/limited/a", "kevin"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter!.Value.TotalSeconds, 1, 3);
            var body = await refused.JsonAsync();
            Assert.Equal("rate-limited", body.GetProperty("reason").GetString());
            Assert.Equal("AUTHPROXY-429", body.GetProperty("code").GetString());
            Assert.True(body.GetProperty("error").GetBoolean()); // the route's RESTPP style
            Assert.Contains("rate limit", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Another user is another partition.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/limited/a", "tigergraph"));

        // The bucket refills: one permit per second here. Retry-After said when; allow generous slack.
        await ProxyHost.EventuallyAsync(async () => await StatusAsync("/limited/a", "kevin") == HttpStatusCode.OK, "kevin's bucket refills");
    }

    [Fact]
    public async Task RateLimit_OnAProblemRoute_IsRfc7807_AndCountsByAddress_WhateverTheUser()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/limited-problem/x", "kevin"));
        using var refused = await SendAsync("/limited-problem/x", "tigergraph"); // same address, other user
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var body = await refused.JsonAsync();
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        Assert.Equal("rate-limited", body.GetProperty("reason").GetString());
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }

    /// <summary>
    /// Keeps <paramref name="holds"/> in flight for kevin (a hold refused because a probe held a
    /// slot at that moment is sent again) until a probe of his is refused for concurrency.
    /// </summary>
    private async Task HoldAsync(Task<HttpResponseMessage>[] holds, Func<int, Task<HttpResponseMessage>> start, string what)
    {
        await ProxyHost.EventuallyAsync(async () =>
        {
            for (var i = 0; i < holds.Length; i++)
            {
                if (holds[i].IsCompletedSuccessfully && holds[i].Result.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    holds[i].Result.Dispose();
                    holds[i] = start(i);
                }
            }

            using var probe = await SendAsync("/restpp/sleep/0", "kevin");
            if (probe.StatusCode != HttpStatusCode.TooManyRequests || holds.Any(h => h.IsCompleted))
            {
                return false;
            }

            // A probe's slot is given back just after its answer reaches the client, so the refusal
            // may have met the previous probe while a hold was still on its way: refused again a
            // moment later, with both holds still running, the holds are the ones in flight.
            await Task.Delay(300);
            using var again = await SendAsync("/restpp/sleep/0", "kevin");
            return again.StatusCode == HttpStatusCode.TooManyRequests && holds.All(h => !h.IsCompleted);
        }, what);
    }

    [Fact]
    public async Task Concurrency_RefusesTheThirdWhileTwoAreInFlight_AndAdmitsAgainWhenOneEnds_OrIsAbandoned()
    {
        using var abandon = new CancellationTokenSource();
        Task<HttpResponseMessage> Start(int i) => i == 0 ? SendAsync("/restpp/sleep/4000", "kevin") : SendAsync("/restpp/sleep/60000", "kevin", abandon.Token);
        var holds = new[] { Start(0), Start(1) };

        // Once both are in flight, a third request of the same user is refused at once, not queued.
        await HoldAsync(holds, Start, "two of kevin's requests are in flight");
        using (var refused = await SendAsync("/restpp/sleep/0", "kevin"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var body = await refused.JsonAsync();
            Assert.Equal("concurrency", body.GetProperty("reason").GetString());
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/restpp/sleep/0", "tigergraph")); // another partition

        using (var done = await holds[0])
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        await ProxyHost.EventuallyAsync(async () => await StatusAsync("/restpp/sleep/0", "kevin") == HttpStatusCode.OK,
            "the finished request's slot is free again");

        // Fill the freed slot again, then let the client walk away from both: the slots come back.
        // Both holds are the abandonable kind now, also when one is sent again after meeting a probe's slot.
        holds[0] = Start(1);
        await HoldAsync(holds, _ => Start(1), "two of kevin's requests are in flight again");
        await abandon.CancelAsync();
        foreach (var hold in holds)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hold);
        }

        await ProxyHost.EventuallyAsync(async () =>
            {
                var both = await Task.WhenAll(SendAsync("/restpp/sleep/1000", "kevin"), SendAsync("/restpp/sleep/1000", "kevin"));
                var ok = both.All(r => r.StatusCode == HttpStatusCode.OK);
                foreach (var response in both)
                {
                    response.Dispose();
                }

                return ok;
            }, "both abandoned requests' slots are free");
    }

    [Fact]
    public async Task Concurrency_ASlotIsReleased_WhenTheBackendFails()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync("/dead/x", "kevin");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream-unavailable", (await response.JsonAsync()).GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task PartitionTable_StaysBounded_UnderRotatingUsers_AndNeverForgetsAHotPartition()
    {
        // kevin uses up his two permits for the hour.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/x", "kevin"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/x", "kevin"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/hourly/x", "kevin"));

        // Forty other users arrive; the table holds 16 partitions, none of which has refilled.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add(await StatusAsync("/hourly/x", $"rotate{i}"));
        }

        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(25, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // kevin was not dropped to make room: he is still refused, and a tracked user still has the permit left.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/hourly/x", "kevin"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/x", "rotate0"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/hourly/x", "rotate0"));
    }

    [Fact]
    public async Task HotReload_ChangingTheLimit_AppliesToTheNextRequest_WithoutForgivingUsedPermits()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/y", "tigergraph"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/y", "tigergraph"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/hourly/y", "tigergraph"));

        // An edit that does not touch the limit (it adds a route) keeps the used-up bucket.
        var probe = ",\n\"unrelated\": { \"Schemes\": [ \"Basic\" ] }";
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, LimitRoutes.Limits(backend.BaseAddress, hourlyPermits: 2, extraPolicies: probe)
            .Replace("\"Routes\": {", "\"Routes\": { \"probe\": { \"ClusterId\": \"backend\", \"AuthorizationPolicy\": \"anonymous\", \"Match\": { \"Path\": \"/probe\" } },", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () => (await _proxy.Client.GetAsync("/probe")).StatusCode == HttpStatusCode.OK, "the edit is in force");
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync("/hourly/y", "tigergraph"));

        // Raising the permits lets the partition through again: what it used still counts against the larger bucket.
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, LimitRoutes.Limits(backend.BaseAddress, hourlyPermits: 1000));
        await ProxyHost.EventuallyAsync(async () => await StatusAsync("/hourly/y", "tigergraph") == HttpStatusCode.OK, "the raised limit is in force");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/y", "tigergraph"));
        }

        // A broken edit (Permits 0) is refused with the problem logged, and the raised limit stays.
        await ProxyHost.ReplaceFileAsync(_proxy.RoutesPath, LimitRoutes.Limits(backend.BaseAddress, hourlyPermits: 0));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(_proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1004)), "the refusal is logged");
        Assert.Contains(_proxy.Logs.GetSnapshot(), r => r.Id.Id == 1003 && r.Message.Contains("AuthPolicies:hourly:RateLimit:Permits", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/hourly/y", "tigergraph"));
    }
}
