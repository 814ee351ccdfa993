using System.Net;
using System.Text.Json;
using AuthProxy.Storage;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// What a revocation or a block list entry writes, and how long it holds: past its token's expiry
/// by the largest clock skew (in memory, through maintenance, and in the store across a restart),
/// and for good when the token never expires.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RevocationRecordTests(BackendProcess backend)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static async Task<string> GsqlTokenAsync(ProxyHost proxy, long lifetimeMs)
    {
        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social", lifetime = lifetimeMs })
            .WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("token").GetString()!;
    }

    private static async Task<(HttpStatusCode Status, string? Reason)> UseAsync(ProxyHost proxy, string token)
    {
        var (status, body) = await SendAsync(proxy, Http.Get("/restpp/query/social/q", token));
        return (status, status == HttpStatusCode.OK ? null : body.GetProperty("reason").GetString());
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> OwnerBlocksAsync(ProxyHost proxy, string token) =>
        SendAsync(proxy, Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));

    private static Task RunMaintenanceAsync(ProxyHost proxy) =>
        proxy.Services.GetServices<IHostedService>().OfType<TokenMaintenanceService>().Single().RunOnceAsync(CancellationToken.None);

    [Fact]
    public async Task ABlock_OutlivesItsTokensExpiryByTheClockSkew_ThroughMaintenance_AndAcrossARestart()
    {
        var directory = ProxyHost.CreateDirectory();
        var clock = ProxyHost.FakeClock();
        var settings = new Dictionary<string, string> { ["Security:JWT:ClockSkew"] = "00:10:00" };
        string token;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock, directory: directory, keepDirectory: true))
        {
            token = await GsqlTokenAsync(proxy, 60_000);
            Assert.Equal(HttpStatusCode.OK, (await OwnerBlocksAsync(proxy, token)).Status);

            clock.Advance(TimeSpan.FromMinutes(5)); // past exp, within the skew: the token itself would still be accepted
            await RunMaintenanceAsync(proxy);
            Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), await UseAsync(proxy, token));
        }

        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock, directory: directory);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), await UseAsync(restarted, token));
    }

    [Fact]
    public async Task ARevocation_IsStoredUntilItsTokensExpiryPlusAnHour_OneOfATokenThatNeverExpires_ForGood()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "true" });
        var token = await GsqlTokenAsync(proxy, 3_600_000);
        var (created, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = CreatePat("NO_EXPIRY") }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, created);
        var personal = body.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString()!;

        foreach (var revoked in new[] { token, personal })
        {
            var (status, _) = await SendAsync(proxy, new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + revoked)
                .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), await UseAsync(proxy, revoked));
        }

        var stored = (await proxy.Services.GetRequiredService<IAuthProxyStore>().ListRevocationsAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None))
            .ToDictionary(r => r.Key, r => r.ExpiresAt);
        var jwt = new JsonWebToken(token);
        Assert.Equal(2, stored.Count);
        Assert.Equal(new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + TimeSpan.FromHours(1), stored["jti:" + jwt.Id]);
        Assert.Null(stored["jti:" + new JsonWebToken(personal).Id]);
    }

    [Fact]
    public async Task ATokenThatNeverExpires_CanBeBlockedByItsOwner_AndStaysBlocked_AcrossARestart()
    {
        var directory = ProxyHost.CreateDirectory();
        var settings = new Dictionary<string, string> { ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "true" };
        string personal;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, directory: directory, keepDirectory: true))
        {
            var (created, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query = CreatePat("NO_EXPIRY") }).WithBasic("kevin", TestUsers.KevinPassword));
            Assert.Equal(HttpStatusCode.OK, created);
            personal = body.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString()!;
            Assert.Equal((HttpStatusCode.OK, null), await UseAsync(proxy, personal));

            var (blocked, answer) = await OwnerBlocksAsync(proxy, personal);
            Assert.True(blocked == HttpStatusCode.OK, answer.ToString());
            Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), await UseAsync(proxy, personal));
            var entry = Assert.Single(await proxy.Services.GetRequiredService<IAuthProxyStore>().ListBlockedTokensAsync(TimeProvider.System.GetUtcNow(), CancellationToken.None));
            Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), entry.ExpiresAt.ToUnixTimeMilliseconds());
        }

        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, directory: directory);
        Assert.Equal((HttpStatusCode.Unauthorized, "revoked"), await UseAsync(restarted, personal));
    }

    private static string CreatePat(string duration) =>
        $$"""mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: {{duration}}, name: "t"}) { accessToken } }""";
}
