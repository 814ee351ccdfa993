using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;
using AuthProxy.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Password throttling through the running proxy: a lock-out is per account and address (the real
/// user elsewhere is not locked out), budgets are reserved before any hash so concurrency cannot
/// overspend them, hashing itself is bounded, and hostile names cannot grow the tables.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ThrottlingTests(BackendProcess backend)
{
    private Task<ProxyHost> StartAsync(Dictionary<string, string> settings, string? users = null)
    {
        settings["AuthProxy:TrustedProxies:0"] = "127.0.0.0/8";
        return ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users, settings);
    }

    private static HttpRequestMessage Basic(string client, string user, string password)
    {
        var request = Http.Get("/restpp/query/social/q").WithBasic(user, password);
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    private static async Task<HttpStatusCode> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task ALockOut_IsPerAccountAndAddress_TheRightPasswordFromAnotherAddressStillWorks()
    {
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:AccountFailures"] = "10" });
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, Basic("198.51.100.1", "kevin", "guess-" + i)));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, Basic("198.51.100.1", "kevin", TestUsers.KevinPassword)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, Basic("203.0.113.7", "kevin", TestUsers.KevinPassword)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, Basic("198.51.100.1", "tigergraph", TestUsers.TigerGraphPassword)));
    }

    [Fact]
    public async Task GuessingFromManyAddresses_SpendsTheAccountWideBudget_ButNotForAnAddressTheUserLoggedInFrom()
    {
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:AccountWideFailures"] = "20" });
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, Basic("203.0.113.7", "kevin", TestUsers.KevinPassword)));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, Basic($"198.51.100.{i + 1}", "kevin", "guess")));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, Basic("198.51.100.200", "kevin", "guess")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendAsync(proxy, Basic("198.51.100.201", "kevin", TestUsers.KevinPassword)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, Basic("203.0.113.7", "kevin", TestUsers.KevinPassword)));
    }

    [Fact]
    public async Task ConcurrentBadAttempts_CannotOverspendTheBudget()
    {
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:AccountFailures"] = "10", ["AuthProxy:Throttling:MaxConcurrentHashes"] = "256" });
        using var hashes = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.password.hashes");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => SendAsync(proxy, Basic("198.51.100.9", "kevin", "guess-" + i))));

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(290, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, hashes.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Hashing_IsBounded_TheExcessIsRefusedAtOnce_WithRetryAfter()
    {
        var slow = $$"""
            { "Users": { "slow": { "PasswordHash": "{{TestUsers.Pbkdf2("right", 300_000)}}", "Graphs": { "social": [ "READ_DATA" ] } } } }
            """;
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:MaxConcurrentHashes"] = "1" }, slow);

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await proxy.Client.SendAsync(Basic($"198.51.100.{i + 1}", "slow", "wrong"));
            return (response.StatusCode, Retry: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }));

        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Retry));
        Assert.All(busy, r => Assert.Contains("too many password checks are running at once", r.Body, StringComparison.Ordinal));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
    }

    /// <summary>
    /// An unknown name costs a full hash of a decoy, as a known one does: it takes a hashing slot
    /// for as long, so under the same load it is refused as busy too. Were unknown names answered
    /// without a hash, they would never meet a full house, and that difference names the users.
    /// </summary>
    [Fact]
    public async Task UnknownUsers_TakeAHashingSlot_AsLongAsKnownOnes()
    {
        var slow = $$"""
            { "Users": { "slow": { "PasswordHash": "{{TestUsers.Pbkdf2("right", 300_000)}}", "Graphs": { "social": [ "READ_DATA" ] } } } }
            """;
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:MaxConcurrentHashes"] = "1" }, slow);

        // Bursts until one meets a full house (a loaded machine may spread a burst out); each with its
        // own name and addresses, so no budget is what refuses. Without the decoy hash none ever would.
        var busy = false;
        for (var burst = 0; burst < 5 && !busy; burst++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
            {
                using var response = await proxy.Client.SendAsync(Basic($"198.51.{100 + burst}.{i + 1}", $"nobody-{burst}", "wrong"));
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }));

            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, r.ToString()));
            busy = responses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests
                && r.Body.Contains("too many password checks are running at once", StringComparison.Ordinal));
        }

        Assert.True(busy, "no burst of unknown names met a full house of hashing slots");
    }

    /// <summary>
    /// A name of 256 characters and a password of 1024 are checked with a hash as any other (a name
    /// that long is no configured user, so it meets the decoy); one character more in either is
    /// refused as bad credentials without a hash, even when the password is right.
    /// </summary>
    [Fact]
    public async Task NamesAndPasswords_AtTheBoundAreHashed_OverItAreRefusedUnhashed()
    {
        var longName = new string('n', LoginThrottle.MaxAccountLength);
        var longerName = new string('n', LoginThrottle.MaxAccountLength + 1);
        var longPassword = new string('p', CredentialCheck.MaxPasswordLength);
        var longerPassword = new string('p', CredentialCheck.MaxPasswordLength + 1);
        var users = $$"""
            { "Users": {
                "long-password": { "PasswordHash": "{{TestUsers.Pbkdf2(longPassword)}}", "Graphs": { "social": [ "READ_DATA" ] } },
                "longer-password": { "PasswordHash": "{{TestUsers.Pbkdf2(longerPassword)}}", "Graphs": { "social": [ "READ_DATA" ] } } } }
            """;
        await using var proxy = await StartAsync([], users);
        using var hashes = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.password.hashes");

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, Basic("198.51.100.1", longName, "right")));
        Assert.Equal(1, hashes.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(proxy, Basic("198.51.100.2", "long-password", longPassword)));
        Assert.Equal(2, hashes.GetMeasurementSnapshot().Sum(m => m.Value));

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, Basic("198.51.100.3", longerName, "right")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(proxy, Basic("198.51.100.4", "longer-password", longerPassword)));
        Assert.Equal(2, hashes.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    /// <summary>
    /// A password check refused because every hashing slot is busy was never made: it gives back the
    /// failure it reserved, so only checked wrong passwords spend the account's budget, and it is
    /// counted as throttled by the hashing bound.
    /// </summary>
    [Fact]
    public async Task BusyRefusals_SpendNoBudget_AndAreCountedAsHashingThrottles()
    {
        var slow = $$"""
            { "Users": { "slow": { "PasswordHash": "{{TestUsers.Pbkdf2("right", 300_000)}}", "Graphs": { "social": [ "READ_DATA" ] } } } }
            """;
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:MaxConcurrentHashes"] = "1", ["AuthProxy:Throttling:AccountFailures"] = "30" }, slow);
        using var throttled = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.throttled");

        var burst = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => SendAsync(proxy, Basic("198.51.100.9", "slow", "wrong-" + i))));
        var checkedInBurst = burst.Count(s => s == HttpStatusCode.Unauthorized);
        var busy = burst.Count(s => s == HttpStatusCode.TooManyRequests);
        var checkedAfter = 0;
        while (checkedAfter < 40 && await SendAsync(proxy, Basic("198.51.100.9", "slow", "wrong")) == HttpStatusCode.Unauthorized)
        {
            checkedAfter++;
        }

        var hashingThrottles = throttled.GetMeasurementSnapshot().Where(m => Equals(m.Tags["budget"], "hashing")).Sum(m => m.Value);
        var what = $"burst: {checkedInBurst} checked, {busy} busy, {hashingThrottles} counted as hashing throttles; then {checkedAfter} checked";
        Assert.True(busy > 0, "no attempt met a full house: " + what);
        Assert.True(checkedInBurst + busy == 24, what);
        Assert.True(checkedInBurst + checkedAfter == 30, what); // the budget, spent by checked passwords only
        Assert.True(hashingThrottles == busy, what);
    }

    [Fact]
    public async Task HugeAndManyUserNames_DoNotGrowTheTables()
    {
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:AddressFailures"] = "30" });
        var throttle = proxy.Services.GetRequiredService<LoginThrottle>();
        var huge = new string('u', 60_000);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            var body = JsonSerializer.Serialize(new { username = huge + i, password = "x" });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/management/v1/authentication/login") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Forwarded-For", "198.51.100.77");
            using var response = await proxy.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(1, throttle.Tracked); // the address alone: names this long are never keys
    }

    [Fact]
    public async Task HundredsOfConcurrentBadLogins_AgainstArgon2_KeepMemoryBounded()
    {
        var users = $$"""
            { "Users": { "argon": { "PasswordHash": "{{PasswordHash.HashPassword("right-password")}}", "Graphs": { "social": [ "READ_DATA" ] } } } }
            """;
        await using var proxy = await StartAsync(new() { ["AuthProxy:Throttling:AddressFailures"] = "100000", ["AuthProxy:Throttling:AccountWideFailures"] = "1000000" }, users);
        using var hashes = new MetricCollector<long>(proxy.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "AuthProxy", "authproxy.password.hashes");
        using var process = Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var before = process.WorkingSet64;
        long peak = before;
        using var sampler = new Timer(_ =>
        {
            using var current = Process.GetCurrentProcess();
            Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), current.WorkingSet64));
        }, null, 0, 20);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => SendAsync(proxy, Basic($"10.{i / 250}.{i % 250}.1", "argon", "wrong-" + i))));

        // Unbounded, 500 Argon2id hashes at 19 MiB each would need gigabytes at once.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
        Assert.True(Interlocked.Read(ref peak) - before < 600L * 1024 * 1024, $"working set grew by {(Interlocked.Read(ref peak) - before) / 1024 / 1024} MiB");
        Assert.True(hashes.GetMeasurementSnapshot().Sum(m => m.Value) <= statuses.Count(s => s == HttpStatusCode.Unauthorized));
    }
}
