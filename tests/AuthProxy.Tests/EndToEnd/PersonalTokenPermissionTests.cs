using System.Net;
using System.Text.Json;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Who may create, list, inspect and revoke which personal access tokens, with what bounds, and
/// that every refusal says what was missing: the privilege each request needs (own or another
/// user's), graph-scoped and deeply made tokens, names, descriptions, durations, user urns, page
/// bounds and filters, and tokens of other families.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PersonalTokenPermissionTests(BackendProcess backend)
{
    private const string Password = "pat-test-password";
    private const string Unauthorized = "Unauthorized to perform this action. Please contact your DataHub administrator.";

    /// <summary>alice may make her own tokens, bob may not, admin may manage everyone's.</summary>
    private static readonly string Users = $$"""
        {
          "Users": {
            "alice": { "PasswordHash": "{{TestUsers.Pbkdf2(Password)}}", "Graphs": { "social": [ "READ_DATA" ] }, "Privileges": [ "GENERATE_PERSONAL_ACCESS_TOKENS" ] },
            "bob":   { "PasswordHash": "{{TestUsers.Pbkdf2(Password)}}", "Graphs": { "social": [ "READ_DATA" ] } },
            "admin": { "PasswordHash": "{{TestUsers.Pbkdf2(Password)}}", "Graphs": { "*": [ "READ_DATA" ] }, "Privileges": [ "MANAGE_ACCESS_TOKENS" ] }
          }
        }
        """;

    private const string CreateMutation =
        "mutation($actor: String!, $duration: AccessTokenDuration!, $name: String!, $description: String) { createAccessToken(input: {type: PERSONAL, actorUrn: $actor, duration: $duration, name: $name, description: $description}) { accessToken metadata { id name actorUrn ownerUrn } } }";

    private const string RevokeMutation = "mutation($id: String!) { revokeAccessToken(tokenId: $id) }";

    private const string ListQuery =
        "query($start: Int, $count: Int, $filters: [FacetFilterInput!]) { listAccessTokens(input: {start: $start, count: $count, filters: $filters}) { total } }";

    private static Task<ProxyHost> StartAsync(BackendProcess backend, IDictionary<string, string>? settings = null, TimeProvider? time = null) =>
        ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users, settings, time);

    private static async Task<JsonElement> GraphQLAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            return await response.JsonAsync();
        }
    }

    private static Task<JsonElement> AsAsync(ProxyHost proxy, string user, string query, object? variables = null) =>
        GraphQLAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query, variables }).WithBasic(user, Password));

    private static Task<JsonElement> WithBearerAsync(ProxyHost proxy, string token, string query, object? variables = null) =>
        GraphQLAsync(proxy, Http.Json(HttpMethod.Post, "/api/graphql", new { query, variables }).WithBearer(token));

    private static object Create(string actor, string duration = "ONE_DAY", string name = "token", string? description = null) =>
        new { actor = "urn:li:corpuser:" + actor, duration, name, description };

    private static (string Code, string Message) Error(JsonElement result)
    {
        Assert.True(result.TryGetProperty("errors", out var errors), result.GetRawText());
        return (errors[0].GetProperty("extensions").GetProperty("code").GetString()!, errors[0].GetProperty("message").GetString()!);
    }

    /// <summary>The code of the first error, or null when the request succeeded.</summary>
    private static string? CodeOf(JsonElement result) =>
        result.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private static JsonElement Created(JsonElement result)
    {
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        return result.GetProperty("data").GetProperty("createAccessToken");
    }

    private static async Task<string> GsqlTokenAsync(ProxyHost proxy, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("token").GetString()!;
        }
    }

    [Fact]
    public async Task Refusals_NameThePrivilegeTheRequestNeeds()
    {
        await using var proxy = await StartAsync(backend);

        var aliceForBob = Error(await AsAsync(proxy, "alice", CreateMutation, Create("bob")));
        var bobForHimself = Error(await AsAsync(proxy, "bob", CreateMutation, Create("bob")));
        var aliceListsAll = Error(await AsAsync(proxy, "alice", ListQuery, new { filters = Array.Empty<object>() }));
        var notAnUrn = Error(await AsAsync(proxy, "admin", CreateMutation, new { actor = "alice", duration = "ONE_DAY", name = "n" }));
        var ghost = Error(await AsAsync(proxy, "admin", CreateMutation, Create("ghost")));

        Assert.Equal(("UNAUTHORIZED", Unauthorized + " Creating a token for urn:li:corpuser:bob needs MANAGE_ACCESS_TOKENS."), aliceForBob);
        Assert.Equal(("UNAUTHORIZED", Unauthorized + " Creating a token for urn:li:corpuser:bob needs GENERATE_PERSONAL_ACCESS_TOKENS."), bobForHimself);
        Assert.Equal(("UNAUTHORIZED", Unauthorized + " Listing tokens needs MANAGE_ACCESS_TOKENS, or an ownerUrn filter naming yourself and GENERATE_PERSONAL_ACCESS_TOKENS."),
            aliceListsAll);
        Assert.Equal(("BAD_REQUEST", "'alice' is not a user urn (urn:li:corpuser:NAME)."), notAnUrn);
        Assert.Equal(("BAD_REQUEST", "urn:li:corpuser:ghost names no user."), ghost);
    }

    [Fact]
    public async Task AUserUrn_NamesExactlyOneUser_OfAtMost128Characters()
    {
        await using var proxy = await StartAsync(backend);
        var longest = new string('a', 128);

        foreach (var urn in new[] { "urn:li:corpuser:", "xurn:li:corpuser:alice", "urn:li:corpuser:alice:x", "urn:li:corpuser:al ice", " urn:li:corpuser:alice",
                     "urn:li:corpuser:alice\n", "urn:li:corpuser:" + new string('a', 129), "URN:LI:CORPUSER:alice", "urn:li:corpgroup:alice" })
        {
            var (code, message) = Error(await AsAsync(proxy, "admin", CreateMutation, new { actor = urn, duration = "ONE_DAY", name = "n" }));
            Assert.Equal("BAD_REQUEST", code);
            Assert.EndsWith("is not a user urn (urn:li:corpuser:NAME).", message, StringComparison.Ordinal);
        }

        Assert.Equal(("BAD_REQUEST", $"urn:li:corpuser:{longest} names no user."), Error(await AsAsync(proxy, "admin", CreateMutation, Create(longest))));
        Assert.Equal("urn:li:corpuser:alice", Created(await AsAsync(proxy, "admin", CreateMutation, Create("alice"))).GetProperty("metadata").GetProperty("actorUrn").GetString());
    }

    [Fact]
    public async Task NamesAndDescriptions_AreBounded_AndNamesTrimmed()
    {
        await using var proxy = await StartAsync(backend);
        const string Bounds = "A token needs a name of 1 to 256 characters; a description is at most 1024 characters.";

        foreach (var (name, description) in new[] { ("", null), ("   ", null), (new string('n', 257), null), ("n", new string('d', 1025)) })
        {
            Assert.Equal(("BAD_REQUEST", Bounds), Error(await AsAsync(proxy, "alice", CreateMutation, Create("alice", name: name, description: description))));
        }

        var longest = Created(await AsAsync(proxy, "alice", CreateMutation, Create("alice", name: new string('n', 256), description: new string('d', 1024))));
        var trimmed = Created(await AsAsync(proxy, "alice", CreateMutation, Create("alice", name: "  spaced name  ")));

        Assert.Equal(256, longest.GetProperty("metadata").GetProperty("name").GetString()!.Length);
        Assert.Equal("spaced name", trimmed.GetProperty("metadata").GetProperty("name").GetString());
    }

    [Fact]
    public async Task AMaxDuration_AllowsExactlyItself_AndRefusesNoExpiry_EvenWhenNoExpiryIsAllowed()
    {
        await using var proxy = await StartAsync(backend, new Dictionary<string, string>
        {
            ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "true",
            ["AuthProxy:PersonalTokens:MaxDuration"] = "30.00:00:00",
        });

        var month = await AsAsync(proxy, "alice", CreateMutation, Create("alice", "ONE_MONTH"));
        var quarter = Error(await AsAsync(proxy, "alice", CreateMutation, Create("alice", "THREE_MONTHS")));
        var never = Error(await AsAsync(proxy, "alice", CreateMutation, Create("alice", "NO_EXPIRY")));

        Created(month);
        Assert.Equal(("BAD_REQUEST", "The longest duration allowed here is 30 days; THREE_MONTHS is longer."), quarter);
        Assert.Equal(("BAD_REQUEST", "Tokens that never expire (NO_EXPIRY) are disabled here; choose a duration."), never);
    }

    [Fact]
    public async Task ATokenMadeWithABearerToken_MayLiveExactlyAsLong_NotLonger_AndNeverForever()
    {
        // Whole seconds, so the bearer token's exp (in seconds) is exactly an hour from now.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()));
        await using var proxy = await StartAsync(backend, new Dictionary<string, string> { ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "true" }, clock);
        var hour = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 3_600_000 }).WithBasic("alice", Password));

        var asLong = await WithBearerAsync(proxy, hour, CreateMutation, Create("alice", "ONE_HOUR"));
        var longer = Error(await WithBearerAsync(proxy, hour, CreateMutation, Create("alice", "ONE_DAY")));
        var never = Error(await WithBearerAsync(proxy, hour, CreateMutation, Create("alice", "NO_EXPIRY")));
        var withPassword = await AsAsync(proxy, "alice", CreateMutation, Create("alice", "NO_EXPIRY"));

        Created(asLong);
        var expires = clock.GetUtcNow().AddHours(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(("BAD_REQUEST", $"A token created with a Bearer token cannot outlive it (it expires at {expires}): choose a shorter duration, or sign in with a password."), longer);
        Assert.Equal("BAD_REQUEST", never.Code);
        Created(withPassword);
    }

    /// <summary>
    /// A personal token made with a Bearer token carries it as its ancestor: dropping that token
    /// ends the personal token too. One made with a password has no ancestor and lives on.
    /// </summary>
    [Fact]
    public async Task ATokenMadeWithABearerToken_EndsWhenThatTokenIsDropped_OneMadeWithAPasswordDoesNot()
    {
        await using var proxy = await StartAsync(backend);
        var parent = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { lifetime = 7_200_000 }).WithBasic("alice", Password));
        var child = Created(await WithBearerAsync(proxy, parent, CreateMutation, Create("alice", "ONE_HOUR", "made-with-a-token"))).GetProperty("accessToken").GetString()!;
        var sibling = Created(await AsAsync(proxy, "alice", CreateMutation, Create("alice", "ONE_HOUR", "made-with-a-password"))).GetProperty("accessToken").GetString()!;

        async Task<HttpStatusCode> UseAsync(string token)
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await UseAsync(child));
        using (var drop = await proxy.Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = parent }).WithBasic("alice", Password)))
        {
            Assert.Equal(HttpStatusCode.OK, drop.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(parent));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(child));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(sibling));
    }

    [Fact]
    public async Task AGraphScopedOrDeeplyMadeToken_IsToldWhyItCannotCreate_AndAScopedTokenCarriesNoGlobalPrivilege()
    {
        await using var proxy = await StartAsync(backend);
        var scoped = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("admin", Password));
        var deep = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("admin", Password));
        for (var depth = 1; depth <= 8; depth++)
        {
            deep = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBearer(deep));
        }

        var (_, byScoped) = Error(await WithBearerAsync(proxy, scoped, CreateMutation, Create("admin")));
        var (_, byDeep) = Error(await WithBearerAsync(proxy, deep, CreateMutation, Create("admin")));
        var scopedLists = Error(await WithBearerAsync(proxy, scoped, ListQuery, new { filters = Array.Empty<object>() }));
        var deepLists = await WithBearerAsync(proxy, deep, ListQuery, new { filters = Array.Empty<object>() });

        Assert.Equal(Unauthorized + " A token scoped to a graph cannot create tokens.", byScoped);
        Assert.Equal(Unauthorized + " A token made from that many tokens in a row cannot create tokens.", byDeep);
        Assert.Equal("UNAUTHORIZED", scopedLists.Code);
        Assert.False(deepLists.TryGetProperty("errors", out _), deepLists.GetRawText());
    }

    [Fact]
    public async Task Revoking_NeedsTheOwnersOrTheActorsGenerate_OrManage_AndOnlyPersonalTokensCount()
    {
        await using var proxy = await StartAsync(backend);
        var forAlice = Created(await AsAsync(proxy, "admin", CreateMutation, Create("alice")));
        var forBob = Created(await AsAsync(proxy, "admin", CreateMutation, Create("bob")));
        var gsql = await GsqlTokenAsync(proxy, Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { }).WithBasic("alice", Password));

        var bobRevokes = Error(await AsAsync(proxy, "bob", RevokeMutation, new { id = forBob.GetProperty("metadata").GetProperty("id").GetString() }));
        var aliceRevokes = await AsAsync(proxy, "alice", RevokeMutation, new { id = forAlice.GetProperty("metadata").GetProperty("id").GetString() });
        var again = Error(await AsAsync(proxy, "admin", RevokeMutation, new { id = forAlice.GetProperty("metadata").GetProperty("id").GetString() }));
        var gsqlById = Error(await AsAsync(proxy, "admin", RevokeMutation, new { id = AuthProxy.Tokens.TokenHash.Of(gsql).ToString() }));
        var gsqlMetadata = Error(await AsAsync(proxy, "alice", "query($t: String!) { getAccessTokenMetadata(token: $t) { id } }", new { t = gsql }));
        var padded = await AsAsync(proxy, "admin", "query($t: String!) { getAccessTokenMetadata(token: $t) { id } }",
            new { t = "  " + forBob.GetProperty("accessToken").GetString() + " " });

        Assert.Equal(("UNAUTHORIZED", Unauthorized), bobRevokes);
        Assert.True(aliceRevokes.GetProperty("data").GetProperty("revokeAccessToken").GetBoolean(), aliceRevokes.GetRawText());
        Assert.Equal(("NOT_FOUND", "No personal access token has that id (it may have been revoked)."), again);
        Assert.Equal("NOT_FOUND", gsqlById.Code);
        Assert.Equal("NOT_FOUND", gsqlMetadata.Code);
        Assert.Equal(forBob.GetProperty("metadata").GetProperty("id").GetString(), padded.GetProperty("data").GetProperty("getAccessTokenMetadata").GetProperty("id").GetString());

        using var stillGood = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", gsql));
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
        using var bobsStillGood = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forBob.GetProperty("accessToken").GetString()));
        Assert.Equal(HttpStatusCode.OK, bobsStillGood.StatusCode);
    }

    /// <summary>
    /// The token's maker (its owner) keeps it as their own once they lose MANAGE_ACCESS_TOKENS: with
    /// GENERATE_PERSONAL_ACCESS_TOKENS still held they may read and revoke the token they made for
    /// another user; without either, they may not.
    /// </summary>
    [Fact]
    public async Task AManagerWhoLostManage_StillRevokesTheTokensTheyMadeForOthers_WithGenerateOnly()
    {
        var lead = Users.Replace("\"MANAGE_ACCESS_TOKENS\" ]", "\"MANAGE_ACCESS_TOKENS\", \"GENERATE_PERSONAL_ACCESS_TOKENS\" ]", StringComparison.Ordinal);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), lead);
        var forAlice = Created(await AsAsync(proxy, "admin", CreateMutation, Create("alice")));
        var forBob = Created(await AsAsync(proxy, "admin", CreateMutation, Create("bob")));
        Assert.Equal("urn:li:corpuser:admin", forBob.GetProperty("metadata").GetProperty("ownerUrn").GetString());

        // admin keeps GENERATE_PERSONAL_ACCESS_TOKENS but no longer manages everyone's tokens.
        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, lead.Replace("\"MANAGE_ACCESS_TOKENS\", ", "", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () =>
            CodeOf(await AsAsync(proxy, "admin", ListQuery, new { filters = Array.Empty<object>() })) == "UNAUTHORIZED", "admin no longer lists everyone's tokens");

        var metadata = await AsAsync(proxy, "admin", "query($t: String!) { getAccessTokenMetadata(token: $t) { id ownerUrn } }",
            new { t = forBob.GetProperty("accessToken").GetString() });
        var revoked = await AsAsync(proxy, "admin", RevokeMutation, new { id = forBob.GetProperty("metadata").GetProperty("id").GetString() });
        Assert.Equal(forBob.GetProperty("metadata").GetProperty("id").GetString(), metadata.GetProperty("data").GetProperty("getAccessTokenMetadata").GetProperty("id").GetString());
        Assert.True(revoked.GetProperty("data").GetProperty("revokeAccessToken").GetBoolean(), revoked.GetRawText());
        using var bobs = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forBob.GetProperty("accessToken").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, bobs.StatusCode);

        // Without either privilege, admin's own making no longer counts.
        await ProxyHost.ReplaceFileAsync(proxy.UsersPath, Users.Replace("\"Privileges\": [ \"MANAGE_ACCESS_TOKENS\" ]", "\"Privileges\": [ ]", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(async () =>
            CodeOf(await AsAsync(proxy, "admin", ListQuery, new { filters = new[] { new { field = "ownerUrn", value = "urn:li:corpuser:admin" } } })) == "UNAUTHORIZED",
            "admin may no longer list even the tokens they made");
        Assert.Equal(("UNAUTHORIZED", Unauthorized), Error(await AsAsync(proxy, "admin", RevokeMutation, new { id = forAlice.GetProperty("metadata").GetProperty("id").GetString() })));
        using var alices = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forAlice.GetProperty("accessToken").GetString()));
        Assert.Equal(HttpStatusCode.OK, alices.StatusCode);
    }

    [Fact]
    public async Task Listing_IsBoundedAndFiltersTakeOneValueEach()
    {
        await using var proxy = await StartAsync(backend);
        Created(await AsAsync(proxy, "alice", CreateMutation, Create("alice")));
        var none = Array.Empty<object>();

        foreach (var (start, count) in new[] { (-1, 20), (0, -1), (0, 1001) })
        {
            Assert.Equal(("BAD_REQUEST", "start must be 0 or more and count from 0 to 1000."), Error(await AsAsync(proxy, "admin", ListQuery, new { start, count, filters = none })));
        }

        var most = await AsAsync(proxy, "admin", ListQuery, new { start = 0, count = 1000, filters = none });
        var zero = await AsAsync(proxy, "admin", ListQuery, new { start = 0, count = 0, filters = none });
        var two = Error(await AsAsync(proxy, "admin", ListQuery,
            new { filters = new[] { new { field = "ownerUrn", values = new[] { "urn:li:corpuser:alice", "urn:li:corpuser:bob" } } } }));
        var one = await AsAsync(proxy, "alice", ListQuery, new { filters = new[] { new { field = "ownerUrn", values = new[] { "urn:li:corpuser:alice" } } } });
        var other = Error(await AsAsync(proxy, "admin", ListQuery, new { filters = new[] { new { field = "name", value = "x" } } }));

        Assert.Equal(1, most.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32());
        Assert.Equal(1, zero.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32());
        Assert.Equal(("BAD_REQUEST", "The ownerUrn filter takes exactly one value."), two);
        Assert.Equal(1, one.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32());
        Assert.Equal(("BAD_REQUEST", "Tokens can be filtered by ownerUrn and actorUrn, not name."), other);
    }

    [Fact]
    public async Task TheCap_SaysWhoHoldsHowManyAndWhichSetting()
    {
        await using var proxy = await StartAsync(backend, new Dictionary<string, string> { ["AuthProxy:Limits:PersonalTokensPerUser"] = "1" });
        Created(await AsAsync(proxy, "alice", CreateMutation, Create("alice")));

        var refused = Error(await AsAsync(proxy, "admin", CreateMutation, Create("alice")));

        Assert.Equal(("BAD_REQUEST", "urn:li:corpuser:alice already holds 1 personal access tokens (AuthProxy:Limits:PersonalTokensPerUser); revoke some first."), refused);
    }
}
