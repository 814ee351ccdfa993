using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Whose secrets a caller may create, list, show and drop (own, or with MANAGE_ACCESS_TOKENS held
/// globally, another user's), the bounds on aliases and values, and that every refusal says why.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GsqlSecretPermissionTests(BackendProcess backend)
{
    private static readonly Dictionary<string, string> Roomy = new()
    {
        ["AuthProxy:Throttling:AccountFailures"] = "100",
        ["AuthProxy:Throttling:AddressFailures"] = "1000",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static Task<(HttpStatusCode Status, JsonElement Body)> AsKevinAsync(ProxyHost proxy, HttpMethod method, string path, object? body = null) =>
        SendAsync(proxy, Http.Json(method, path, body).WithBasic("kevin", TestUsers.KevinPassword));

    private static Task<(HttpStatusCode Status, JsonElement Body)> AsTigerAsync(ProxyHost proxy, HttpMethod method, string path, object? body = null) =>
        SendAsync(proxy, Http.Json(method, path, body).WithBasic("tigergraph", TestUsers.TigerGraphPassword));

    private static string Reason(JsonElement body) => body.GetProperty("reason").GetString()!;

    private static string Message(JsonElement body) => body.GetProperty("message").GetString()!;

    [Fact]
    public async Task AnotherUsersSecrets_NeedManageAccessTokens_HeldGlobally_AndRefusalsSayWhy()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: Roomy);
        var (tigerStatus, _) = await AsTigerAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=t");
        Assert.Equal(HttpStatusCode.OK, tigerStatus);

        var (namedSelf, _) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=k&userName=kevin");
        var (listStatus, list) = await AsKevinAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets?userName=tigergraph");
        var (showStatus, _) = await AsKevinAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets/t?userName=tigergraph");
        var (dropStatus, _) = await AsKevinAsync(proxy, HttpMethod.Delete, "/gsql/v1/secrets/t?userName=tigergraph", "");
        var (nobodyStatus, nobody) = await AsTigerAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets?userName=nobody");

        Assert.Equal(HttpStatusCode.OK, namedSelf);
        Assert.Equal(HttpStatusCode.Forbidden, listStatus);
        Assert.Equal("privilege", Reason(list));
        Assert.Equal("Access Denied because user kevin lacks MANAGE_ACCESS_TOKENS, needed to act for user tigergraph", Message(list));
        Assert.Equal(HttpStatusCode.Forbidden, showStatus);
        Assert.Equal(HttpStatusCode.Forbidden, dropStatus);
        Assert.Equal(HttpStatusCode.NotFound, nobodyStatus);
        Assert.Equal("user nobody does not exist", Message(nobody));

        // MANAGE_ACCESS_TOKENS reaches kevin's secrets, but not through a token scoped to a graph.
        var (managerList, managed) = await AsTigerAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets?userName=kevin");
        Assert.Equal(HttpStatusCode.OK, managerList);
        Assert.Equal("k", managed.GetProperty("results")[0].GetProperty("alias").GetString());

        var (_, minted) = await AsTigerAsync(proxy, HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" });
        var scoped = minted.GetProperty("token").GetString()!;
        var (scopedStatus, scopedBody) = await SendAsync(proxy, Http.Json(HttpMethod.Get, "/gsql/v1/secrets?userName=kevin").WithBearer(scoped));
        Assert.Equal(HttpStatusCode.Forbidden, scopedStatus);
        Assert.Equal("Access Denied because user tigergraph lacks MANAGE_ACCESS_TOKENS, needed to act for user kevin", Message(scopedBody));

        // Nor does a token scoped to a graph make a secret, which would mint global tokens.
        var (scopedCreate, scopedCreateBody) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=from-scoped").WithBearer(scoped));
        Assert.NotEqual(HttpStatusCode.OK, scopedCreate);
        Assert.EndsWith("is scoped to graph social; a token scoped to a graph cannot create secrets", Message(scopedCreateBody), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecret_IsMadeWithAPassword_AndTheRefusalSaysSo()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: Roomy);
        var (_, minted) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/tokens", new { });

        var (status, body) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/secrets?alias=x").WithBearer(minted.GetProperty("token").GetString()!));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("privilege", Reason(body));
        Assert.Equal("Access Denied because a secret never expires, so it is created with a password (Basic authentication), not with a token", Message(body));
    }

    [Fact]
    public async Task AliasesAndValues_AreBounded()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: Roomy);
        var longestAlias = new string('a', 128);

        foreach (var alias in new[] { "ci%0A", "c%20i", "ci/x", new string('a', 129), "%0Aci" })
        {
            var (status, body) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=" + alias);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("an alias is 1 to 128 letters, digits, '_', '-' or '.'", Message(body));
        }

        foreach (var value in new[] { new string('v', 15), new string('v', 257) })
        {
            var (status, body) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=v&value=" + value);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("a secret value must be 16 to 256 characters, with no control characters", Message(body));
        }

        var shortest = new string('s', 16);
        var longest = new string('l', 256);
        Assert.Equal(HttpStatusCode.OK, (await AsKevinAsync(proxy, HttpMethod.Post, $"/gsql/v1/secrets?alias={longestAlias}&value={shortest}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await AsKevinAsync(proxy, HttpMethod.Post, $"/gsql/v1/secrets?alias=A-b_c.9&value={longest}")).Status);

        var (_, list) = await AsKevinAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets");
        var listed = list.GetProperty("results").EnumerateArray().ToDictionary(s => s.GetProperty("alias").GetString()!, s => s.GetProperty("value").GetString()!);
        Assert.Equal(new Dictionary<string, string> { [longestAlias] = "sss****sss", ["A-b_c.9"] = "lll****lll" }, listed);
    }

    [Fact]
    public async Task Conflicts_AndTheCap_SayWhichUserAndWhichSetting()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>(Roomy) { ["AuthProxy:Limits:SecretsPerUser"] = "2" });
        const string Value = "a-value-of-kevins-0123456789";
        Assert.Equal(HttpStatusCode.OK, (await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=a&value=" + Value)).Status);

        var (aliasStatus, alias) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=a");
        var (valueStatus, value) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=b&value=" + Value);
        Assert.Equal(HttpStatusCode.OK, (await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=c")).Status);
        var (capStatus, cap) = await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=d");
        var (missingStatus, missing) = await AsKevinAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets/nope");

        Assert.Equal((HttpStatusCode.Conflict, "user kevin already has a secret with alias a"), (aliasStatus, Message(alias)));
        Assert.Equal((HttpStatusCode.Conflict, "user kevin already has a secret with this value"), (valueStatus, Message(value)));
        Assert.Equal((HttpStatusCode.BadRequest, "user kevin already has 2 secrets (AuthProxy:Limits:SecretsPerUser); drop one first"), (capStatus, Message(cap)));
        Assert.Equal((HttpStatusCode.NotFound, "user kevin has no secret with alias nope"), (missingStatus, Message(missing)));
    }

    [Fact]
    public async Task Dropping_ByValue_ReachesOnlyTheTargetsOwnSecrets_AndMissingItemsAreNamedMasked()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: Roomy);
        const string TigerValue = "tigers-secret-value-0123456789";
        Assert.Equal(HttpStatusCode.OK, (await AsTigerAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=t&value=" + TigerValue)).Status);
        Assert.Equal(HttpStatusCode.OK, (await AsKevinAsync(proxy, HttpMethod.Post, "/gsql/v1/secrets?alias=k")).Status);

        var (status, body) = await AsKevinAsync(proxy, HttpMethod.Delete, "/gsql/v1/secrets", new { secrets = new[] { "k", TigerValue, "gone" } });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("user kevin has no secret named tige****6789, gone (by alias or value); nothing was dropped", Message(body));
        Assert.DoesNotContain(TigerValue, body.GetRawText(), StringComparison.Ordinal);
        var (_, kevins) = await AsKevinAsync(proxy, HttpMethod.Get, "/gsql/v1/secrets");
        Assert.Equal(1, kevins.GetProperty("results").GetArrayLength());
        var (minted, _) = await SendAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { secret = TigerValue }));
        Assert.Equal(HttpStatusCode.OK, minted);

        // The manager drops tiger's own secret by value, for tiger.
        var (dropped, droppedBody) = await AsTigerAsync(proxy, HttpMethod.Delete, "/gsql/v1/secrets", new { secrets = new[] { TigerValue } });
        Assert.Equal(HttpStatusCode.OK, dropped);
        Assert.Contains("Drop 1 secret(s) of user tigergraph successfully: t.", Message(droppedBody), StringComparison.Ordinal);
    }
}
