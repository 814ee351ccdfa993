using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Several AuthProxy processes sharing one real PostgreSQL store, as replicas behind a load
/// balancer: one key ring, every write holding on every replica within a second, one throttling
/// budget, and nothing lost when a replica is killed or PostgreSQL goes away and comes back.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReplicaTests(BackendProcess backend) : IAsyncLifetime
{
    /// <summary>What the issue promises: a write on one replica holds on the others within a second.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    private readonly List<ProxyProcess> _replicas = [];
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(_directory, "routes.json"), TestRoutes.Standard(backend.BaseAddress));
        await File.WriteAllTextAsync(Path.Combine(_directory, "users.json"), TestUsers.Json());
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private async Task<ProxyProcess[]> StartAsync(int count, string connectionString, IDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AuthProxy:Store:Provider"] = "PostgreSQL",
            ["AuthProxy:Store:ConnectionString"] = connectionString,
            ["AuthProxy:Tokens:SigningAlgorithm"] = "ES256",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        // Started at the same moment: the key ring and the schema must still come out as one.
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ProxyProcess.StartAsync(_directory, settings)));
        _replicas.AddRange(started);
        return started;
    }

    private static async Task<string> GsqlTokenAsync(ProxyProcess replica)
    {
        using var response = await replica.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private static async Task<string> GridGainTokenAsync(ProxyProcess replica)
    {
        using var response = await replica.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(string Token, string Id)> PersonalTokenAsync(ProxyProcess replica)
    {
        const string Create = """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "replica"}) { accessToken metadata { id } } }""";
        using var response = await replica.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new { query = Create }).WithBasic("kevin", TestUsers.KevinPassword));
        var created = (await response.JsonAsync()).GetProperty("data").GetProperty("createAccessToken");
        return (created.GetProperty("accessToken").GetString()!, created.GetProperty("metadata").GetProperty("id").GetString()!);
    }

    private static async Task<HttpStatusCode> UseAsync(ProxyProcess replica, string token)
    {
        using var response = await replica.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    /// <summary>Waits until every replica answers <paramref name="expected"/> for the token, failing past <see cref="Propagation"/> from <paramref name="since"/>.</summary>
    private static async Task HoldsEverywhereAsync(IEnumerable<ProxyProcess> replicas, string token, HttpStatusCode expected, Stopwatch since, string what)
    {
        foreach (var replica in replicas)
        {
            while (await UseAsync(replica, token) != expected)
            {
                Assert.True(since.Elapsed < Propagation, $"{what}: {replica.BaseAddress} still did not answer {expected} after {since.Elapsed.TotalMilliseconds:F0} ms");
                await Task.Delay(10);
            }
        }
    }

    [Fact]
    public async Task ThreeReplicas_StartedTogether_PublishOneJwks_AndEveryFamilysTokensVerifyOnAll()
    {
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(3, await server.CreateDatabaseAsync());

        var jwks = await Task.WhenAll(replicas.Select(r => r.Client.GetStringAsync("/.well-known/jwks.json")));
        Assert.Single(jwks.Distinct(StringComparer.Ordinal));
        Assert.Single(JsonDocument.Parse(jwks[0]).RootElement.GetProperty("keys").EnumerateArray());

        var tokens = new[]
        {
            await GsqlTokenAsync(replicas[0]),
            await GridGainTokenAsync(replicas[1]),
            (await PersonalTokenAsync(replicas[2])).Token,
        };
        foreach (var token in tokens)
        {
            foreach (var replica in replicas)
            {
                Assert.Equal(HttpStatusCode.OK, await UseAsync(replica, token));
            }
        }

        var ready = await replicas[0].Client.GetStringAsync("/readyz");
        Assert.Contains("3 instance(s) share it", ready, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryWrite_OnOneReplica_HoldsOnTheOthers_WithinASecond()
    {
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(3, await server.CreateDatabaseAsync());
        var (a, b, c) = (replicas[0], replicas[1], replicas[2]);

        // A GSQL token blocked by its owner on one replica, then the block list cleared on another.
        var blocked = await GsqlTokenAsync(a);
        var clock = Stopwatch.StartNew();
        using (var drop = await b.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = blocked }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, drop.StatusCode);
        }

        await HoldsEverywhereAsync(replicas, blocked, HttpStatusCode.Unauthorized, clock, "a block");
        clock.Restart();
        using (var clear = await c.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens?clear=true").WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        }

        await HoldsEverywhereAsync(replicas, blocked, HttpStatusCode.OK, clock, "a block list clear");

        // One GridGain token revoked on one replica.
        var gridGain = await GridGainTokenAsync(b);
        clock.Restart();
        using (var revoke = await c.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{gridGain}").WithBearer(gridGain)))
        {
            Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        }

        await HoldsEverywhereAsync(replicas, gridGain, HttpStatusCode.Unauthorized, clock, "a GridGain revocation");

        // A personal access token revoked on one replica.
        var (personal, id) = await PersonalTokenAsync(a);
        clock.Restart();
        using (var revoke = await b.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql",
            new { query = "mutation($id: String!) { revokeAccessToken(tokenId: $id) }", variables = new { id } }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.True((await revoke.JsonAsync()).GetProperty("data").GetProperty("revokeAccessToken").GetBoolean());
        }

        await HoldsEverywhereAsync(replicas, personal, HttpStatusCode.Unauthorized, clock, "a personal token revocation");

        // Every token of a user, issued on each replica, revoked by an administrator on one.
        var all = new[] { await GsqlTokenAsync(a), await GridGainTokenAsync(b), await GsqlTokenAsync(c) };
        clock.Restart();
        using (var revokeAll = await a.Client.SendAsync(Http.Json(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin").WithBasic("tigergraph", TestUsers.TigerGraphPassword)))
        {
            Assert.True(revokeAll.IsSuccessStatusCode, await revokeAll.Content.ReadAsStringAsync());
        }

        foreach (var token in all)
        {
            await HoldsEverywhereAsync(replicas, token, HttpStatusCode.Unauthorized, clock, "a user-wide revocation");
        }

        // A secret created on one replica mints on another; dropped on a third, it mints nowhere.
        string secret;
        using (var created = await a.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=replicas").WithBasic("kevin", TestUsers.KevinPassword)))
        {
            secret = (await created.JsonAsync()).GetProperty("results").GetProperty("value").GetString()!;
        }

        using (var minted = await b.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret })))
        {
            Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        }

        using (var dropped = await c.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/secrets/replicas").WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        }

        foreach (var replica in replicas)
        {
            using var refused = await replica.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Fact]
    public async Task SixtyTokens_IssuedConcurrentlyAcrossThree_HaveUniqueIds_AndVerifyEverywhere()
    {
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(3, await server.CreateDatabaseAsync(), new Dictionary<string, string> { ["AuthProxy:Limits:TokensPerUser"] = "100" });

        foreach (var replica in replicas)
        {
            await GsqlTokenAsync(replica); // a first login, hashed; then the password is remembered, as for any client that keeps its credentials
        }

        var tokens = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => GsqlTokenAsync(replicas[i % 3])));

        var ids = tokens.Select(t => JsonDocument.Parse(Convert.FromBase64String(Pad(t.Split('.')[1]))).RootElement.GetProperty("jti").GetString()).ToList();
        Assert.Equal(60, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var token in tokens)
        {
            foreach (var replica in replicas)
            {
                Assert.Equal(HttpStatusCode.OK, await UseAsync(replica, token));
            }
        }
    }

    private static string Pad(string segment)
    {
        var text = segment.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }

    [Fact]
    public async Task AReplicaKilled_AndRestarted_KnowsEveryChangeMadeWhileItWasDown()
    {
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(2, await server.CreateDatabaseAsync());
        var (a, b) = (replicas[0], replicas[1]);
        var revoked = await GsqlTokenAsync(a);
        var blocked = await GsqlTokenAsync(a);

        b.Kill();
        await a.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{revoked}").WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        await a.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = blocked }).WithBasic("kevin", TestUsers.KevinPassword));
        var (personal, _) = await PersonalTokenAsync(a);
        await b.StartAgainAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(b, revoked));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(b, blocked));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(b, personal));
        Assert.Equal(await a.Client.GetStringAsync("/.well-known/jwks.json"), await b.Client.GetStringAsync("/.well-known/jwks.json"));
    }

    /// <summary>
    /// Two replicas share one limit of 9 an hour per user: each takes its share from the live-instance
    /// count and its rank (5 and 4), so the fleet admits exactly 9 once both see each other, with no
    /// request between them. A single instance alone would admit all 9 itself.
    /// </summary>
    [Fact]
    public async Task TwoReplicas_ShareOneRateLimit_TheFleetAdmitsThePermits_NotThePermitsPerReplica()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "routes.json"), LimitRoutes.Limits(backend.BaseAddress, hourlyPermits: 9));
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(2, await server.CreateDatabaseAsync());
        foreach (var replica in replicas)
        {
            await ProxyHost.EventuallyAsync(async () => (await replica.Client.GetStringAsync("/readyz")).Contains("2 instance(s) share it", StringComparison.Ordinal),
                $"{replica.BaseAddress} counts both instances");
        }

        var token = TestTokens.Hs256(TestTokens.Claims("kevin"));
        var admitted = new int[2];
        for (var i = 0; i < 30; i++)
        {
            using var response = await replicas[i % 2].Client.SendAsync(Http.Get("/hourly/x", token));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, response.StatusCode.ToString());
            admitted[i % 2] += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(9, admitted.Sum());
        Assert.Equal([4, 5], admitted.Order().ToArray());
    }

    [Fact]
    public async Task AGuesser_SpreadingAttemptsOverThreeReplicas_GetsOneBudget()
    {
        var server = await PostgresServer.GetAsync();
        var replicas = await StartAsync(3, await server.CreateDatabaseAsync(), new Dictionary<string, string>
        {
            ["AuthProxy:Throttling:AccountFailures"] = "4",
            ["AuthProxy:Throttling:AddressFailures"] = "1000",
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await replicas[i % 3].Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", "guess-" + i));
            return response.StatusCode;
        }));

        Assert.Equal(4, answers.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(8, answers.Count(s => s == HttpStatusCode.TooManyRequests));
        foreach (var replica in replicas)
        {
            using var throttled = await replica.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        }
    }

    [Fact]
    public async Task PostgreSQL_StoppedAndStartedUnderTraffic_NoDecisionOnAValidTokenFails_AndWritesRecover()
    {
        var server = await PostgresServer.StartPrivateAsync();
        var replicas = await StartAsync(2, await server.CreateDatabaseAsync(), new Dictionary<string, string> { ["AuthProxy:Store:PollInterval"] = "00:00:00.2" });
        var (a, b) = (replicas[0], replicas[1]);
        var valid = await GsqlTokenAsync(a);
        var revoked = await GsqlTokenAsync(a);
        await a.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = revoked }).WithBasic("kevin", TestUsers.KevinPassword));
        await HoldsEverywhereAsync(replicas, revoked, HttpStatusCode.Unauthorized, Stopwatch.StartNew(), "a block before the outage");

        using var stop = new CancellationTokenSource();
        var decisions = 0;
        var wrong = new List<string>();
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var replica in replicas)
                {
                    var (token, expected) = decisions % 2 == 0 ? (valid, HttpStatusCode.OK) : (revoked, HttpStatusCode.Unauthorized);
                    var status = await UseAsync(replica, token);
                    Interlocked.Increment(ref decisions);
                    if (status != expected)
                    {
                        lock (wrong)
                        {
                            wrong.Add($"{replica.BaseAddress}: {status} instead of {expected}");
                        }
                    }
                }
            }
        });

        await server.StopAsync();
        await ProxyHost.EventuallyAsync(async () => (await a.Client.GetStringAsync("/readyz")).Contains("does not answer", StringComparison.Ordinal), "readiness says the store is down");

        // Writes are refused in the route's own style, and nothing is half done.
        using (var write = await a.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            var body = await write.JsonAsync();
            Assert.True(body.GetProperty("error").GetBoolean());
            Assert.Equal("store-unavailable", body.GetProperty("reason").GetString());
            Assert.NotNull(write.Headers.RetryAfter);
        }

        const string Create = """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_DAY, name: "outage"}) { accessToken } }""";
        using (var graphql = await b.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new { query = Create }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            var error = (await graphql.JsonAsync()).GetProperty("errors")[0];
            Assert.Equal("SERVICE_UNAVAILABLE", error.GetProperty("extensions").GetProperty("code").GetString());
            Assert.Contains("token store does not answer", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var readiness = await b.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, readiness.StatusCode); // degraded, still serving: the database is shared by every replica
        }

        var metrics = await a.Client.GetStringAsync("/metrics");
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^authproxy_store_available(\{[^}]*\})? 0( |$)", System.Text.RegularExpressions.RegexOptions.Multiline), metrics);

        await server.StartAgainAsync();
        foreach (var replica in replicas)
        {
            await ProxyHost.EventuallyAsync(async () => (await replica.Client.GetStringAsync("/readyz")).Contains("the store answers", StringComparison.Ordinal), "the store is back");
        }

        var fresh = await GsqlTokenAsync(a);
        var clock = Stopwatch.StartNew();
        using (var block = await b.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = fresh }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.True(block.StatusCode == HttpStatusCode.OK, await block.Content.ReadAsStringAsync());
        }

        await HoldsEverywhereAsync(replicas, fresh, HttpStatusCode.Unauthorized, clock, "a block after the outage");

        stop.Cancel();
        await traffic;
        Assert.True(decisions > 20, $"only {decisions} decisions were made under the outage");
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task AReplica_ThatCannotDecryptTheSharedSigningKeys_RefusesToStart_InsteadOfMintingItsOwn()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var own = await StartAsync(1, connectionString, new Dictionary<string, string> { ["AuthProxy:Store:DataProtectionKeys"] = Path.Combine(_directory, "keys-a") });
        var jwks = await own[0].Client.GetStringAsync("/.well-known/jwks.json");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(1, connectionString,
            new Dictionary<string, string> { ["AuthProxy:Store:DataProtectionKeys"] = Path.Combine(_directory, "keys-b") }));

        Assert.Contains("cannot be decrypted with this instance's Data Protection keys", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(jwks, await own[0].Client.GetStringAsync("/.well-known/jwks.json")); // no key of its own was added
    }

    [Fact]
    public async Task TwoInstances_OnOneSqliteFile_TheSecondRefusesToStart_PointingAtPostgreSQL()
    {
        await using var first = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), keepDirectory: true);

        var refusal = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() =>
            ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: first.Directory, keepDirectory: true));

        Assert.Contains(refusal.Problems, p => p.Contains("in use by another AuthProxy instance", StringComparison.Ordinal)
            && p.Contains("AuthProxy:Store:Provider=PostgreSQL", StringComparison.Ordinal));
        using var stillServing = await first.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }
}
