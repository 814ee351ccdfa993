using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Creating a secret tells nothing about anybody else's secret, and guessing through secret
/// creation costs the same budget as guessing passwords.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SecretOracleTests(BackendProcess backend)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(ProxyHost proxy, string user, string password, string query)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/secrets?" + query).WithBasic(user, password));
        return (response.StatusCode, await response.JsonAsync());
    }

    private static async Task<HttpStatusCode> MintAsync(ProxyHost proxy, string secret)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }));
        return response.StatusCode;
    }

    [Fact]
    public async Task ChoosingAnotherUsersSecretValue_AnswersAsAnyOtherCreation()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        const string Value = "kevins-own-secret-value-0123456789";
        var kevins = await CreateAsync(proxy, "kevin", TestUsers.KevinPassword, "alias=mine&value=" + Value);
        Assert.Equal(HttpStatusCode.OK, kevins.Status);

        var hit = await CreateAsync(proxy, "tigergraph", TestUsers.TigerGraphPassword, "alias=probe1&value=" + Value);
        var miss = await CreateAsync(proxy, "tigergraph", TestUsers.TigerGraphPassword, "alias=probe2&value=nobody-has-this-value-0123456789");

        Assert.Equal(HttpStatusCode.OK, hit.Status);
        Assert.Equal(HttpStatusCode.OK, miss.Status);
        Assert.Equal(miss.Body.GetProperty("message").GetString()!.Replace("probe2", "probe1", StringComparison.Ordinal), hit.Body.GetProperty("message").GetString());
        Assert.Equal(Value, hit.Body.GetProperty("results").GetProperty("value").GetString());

        // The value now belongs to the one who created it last; the first owner's secret, known to
        // someone else, no longer mints anything for kevin.
        using var minted = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret = Value }));
        var token = (await minted.JsonAsync()).GetProperty("token").GetString()!;
        using var check = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens/check", new { token }));
        Assert.Equal("tigergraph", (await check.JsonAsync()).GetProperty("results").GetProperty("user").GetString());
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1711 && r.Message.Contains("mine", StringComparison.Ordinal) && !r.Message.Contains(Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecretCreation_IsThrottledLikeLogins()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Throttling:AccountFailures"] = "5" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await CreateAsync(proxy, "tigergraph", TestUsers.TigerGraphPassword, $"alias=g{i}&value=candidate-guess-number-{i:0000000}")).Status);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), statuses);
    }

    [Fact]
    public async Task GuessingSecretsToMintTokens_IsThrottledPerAddress()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:Throttling:AddressFailures"] = "4" });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await MintAsync(proxy, $"guessed-secret-value-{i:0000000000}"));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 4).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), statuses);
    }
    /// <summary>
    /// Between a user's removal from the users file and the clean-up that drops their secrets (it
    /// runs in the background, and a failed one waits for the next start), a secret of theirs is
    /// refused exactly as a secret nobody holds: no status, word or header tells that it exists.
    /// The clean-up is stopped here to hold that moment open.
    /// </summary>
    [Fact]
    public async Task ASecretWhoseUserIsGone_IsRefusedAsAnUnknownSecret_BeforeTheCleanUpDropsIt()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        const string Value = "kevins-secret-before-removal-0123456789";
        Assert.Equal(HttpStatusCode.OK, (await CreateAsync(proxy, "kevin", TestUsers.KevinPassword, "alias=leaving&value=" + Value)).Status);
        Assert.Equal(HttpStatusCode.OK, await MintAsync(proxy, Value));

        await proxy.Services.GetServices<IHostedService>().OfType<AuthProxy.Tokens.RemovedUserCleanup>().Single().StopAsync(CancellationToken.None);
        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, TestUsers.Json().Replace("\"kevin\":", "\"kevin-gone\":", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () =>
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("kevin", TestUsers.KevinPassword));
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, "kevin is unknown");

        var gone = await MintAnsweredAsync(proxy, Value);
        var unknown = await MintAnsweredAsync(proxy, "a-secret-nobody-holds-0123456789abcdef");
        Assert.Equal(HttpStatusCode.Unauthorized, gone.Status);
        Assert.Equal(unknown, gone);
        Assert.Contains("the secret is invalid", gone.Body, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Body, string Headers)> MintAnsweredAsync(ProxyHost proxy, string secret)
    {
        using var response = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret }));
        var headers = string.Join('\n', response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not "Date" and not "traceparent" and not "Content-Length")
            .Select(h => h.Key + ": " + string.Join(',', h.Value)).Order(StringComparer.Ordinal));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }
}
