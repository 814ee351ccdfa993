using System.Net;
using System.Text;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Own tokens over time: restarts, key rotation, throttling windows, concurrency, what is stored.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TokenLifecycleTests(BackendProcess backend)
{
    private static async Task<string> GsqlTokenAsync(ProxyHost proxy, string user = "kevin", string password = TestUsers.KevinPassword, object? body = null)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", body ?? new { graph = "social" }).WithBasic(user, password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpStatusCode> UseAsync(ProxyHost proxy, string token)
    {
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task Restart_KeepsKeysRevocationsBlockListsAndSecrets()
    {
        var directory = ProxyHost.CreateDirectory();
        string valid, revoked, blocked, secret;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory, keepDirectory: true))
        {
            valid = await GsqlTokenAsync(proxy);
            revoked = await GsqlTokenAsync(proxy);
            blocked = await GsqlTokenAsync(proxy);
            using var revoke = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{revoked}").WithBearer(valid));
            using var block = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = blocked }).WithBasic("kevin", TestUsers.KevinPassword));
            using var created = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=keep").WithBasic("kevin", TestUsers.KevinPassword));
            secret = (await created.JsonAsync()).GetProperty("results").GetProperty("value").GetString()!;
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        }

        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory);

        Assert.Equal(HttpStatusCode.OK, await UseAsync(restarted, valid));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(restarted, revoked));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(restarted, blocked));
        using var fromSecret = await restarted.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }));
        Assert.Equal(HttpStatusCode.OK, fromSecret.StatusCode);
    }

    [Fact]
    public async Task KeyRotation_NewTokensUseTheNewKey_OldOnesStillVerify_UntilTheyExpire()
    {
        var time = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" });
        var old = await GsqlTokenAsync(proxy, body: new { graph = "social", lifetime = 2 * 3600 * 1000 });

        time.Advance(TimeSpan.FromMinutes(61));
        var fresh = await GsqlTokenAsync(proxy);

        Assert.NotEqual(Kid(old), Kid(fresh));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, old));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, fresh));
        var jwks = await (await proxy.Client.GetAsync("/.well-known/jwks.json")).JsonAsync();
        Assert.Equal(2, jwks.GetProperty("keys").GetArrayLength());

        // Once the old key's last token has expired, maintenance drops it from the JWKS; the new key stays
        // (its token lives on), and so does the key maintenance made to sign now that the new one has retired too.
        time.Advance(TimeSpan.FromMinutes(61));
        await proxy.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AuthProxy.Tokens.TokenMaintenanceService>().Single().RunOnceAsync(CancellationToken.None);
        jwks = await (await proxy.Client.GetAsync("/.well-known/jwks.json")).JsonAsync();
        var kids = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
        Assert.Equal(2, kids.Count);
        Assert.DoesNotContain(Kid(old), kids);
        Assert.Equal(Kid(fresh), kids[0]);
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(proxy, old));
    }

    private static string Kid(string token)
    {
        var header = token.Split('.')[0].Replace('-', '+').Replace('_', '/');
        header += new string('=', (4 - (header.Length % 4)) % 4);
        return System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(header)).RootElement.GetProperty("kid").GetString()!;
    }

    [Fact]
    public async Task Throttling_LiftsWhenTheWindowSlides()
    {
        var time = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time,
            settings: new Dictionary<string, string> { ["AuthProxy:Throttling:AccountFailures"] = "2" });

        for (var i = 0; i < 2; i++)
        {
            using var failed = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("kevin", "wrong"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using (var throttled = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(61));
        using var allowed = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task ParallelIssueAndRevoke_LosesNothing()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var tokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => GsqlTokenAsync(proxy)));
        var admin = await GsqlTokenAsync(proxy, "tigergraph", TestUsers.TigerGraphPassword, new { });

        var revokes = tokens.Where((_, i) => i % 2 == 0).Select(async t =>
        {
            using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, $"/management/v1/authentication/jwt/{t}").WithBearer(admin));
            return response.StatusCode;
        });
        var issues = Enumerable.Range(0, 20).Select(_ => GsqlTokenAsync(proxy));
        var statuses = await Task.WhenAll(revokes);
        var issued = await Task.WhenAll(issues);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        for (var i = 0; i < tokens.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, await UseAsync(proxy, tokens[i]));
        }

        foreach (var token in issued)
        {
            Assert.Equal(HttpStatusCode.OK, await UseAsync(proxy, token));
        }

        var store = proxy.Services.GetRequiredService<AuthProxy.Storage.IAuthProxyStore>();
        var records = await store.ListIssuedTokensAsync(new AuthProxy.Storage.TokenQuery(AuthProxy.Storage.TokenFamily.Gsql, null, 0, 1000, IncludeRevoked: true), CancellationToken.None);
        Assert.Equal(61, records.Total);
        Assert.Equal(20, (await store.ListRevocationsAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task TheStore_HoldsNoTokenSecretOrPrivateKey_InTheClear()
    {
        var directory = ProxyHost.CreateDirectory();
        string token, secret;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory, keepDirectory: true))
        {
            token = await GsqlTokenAsync(proxy);
            using var created = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=s").WithBasic("kevin", TestUsers.KevinPassword));
            secret = (await created.JsonAsync()).GetProperty("results").GetProperty("value").GetString()!;
            await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));
        }

        var files = Directory.GetFiles(Path.Combine(directory, "data")).Where(f => Path.GetFileName(f).StartsWith("authproxy.db", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var content = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(token, content, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], content, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, content, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", content, StringComparison.Ordinal);
        }
    }
}
