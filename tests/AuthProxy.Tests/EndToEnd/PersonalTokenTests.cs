using System.Net;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>DataHub-style personal access tokens over GraphQL at /api/graphql, through real HTTP.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class PersonalTokenTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Password = "pat-test-password";

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

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static async Task<JsonElement> GraphQLAsync(ProxyHost proxy, string user, string query, object? variables = null, string path = "/api/graphql")
    {
        var request = Http.Json(HttpMethod.Post, path, new { query, variables }).WithBasic(user, Password);
        using var response = await proxy.Client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return await response.JsonAsync();
    }

    private Task<JsonElement> GraphQLAsync(string user, string query, object? variables = null) => GraphQLAsync(_proxy, user, query, variables);

    private static string Create(string actor, string duration = "ONE_DAY", string name = "token") =>
        $$"""mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:{{actor}}", duration: {{duration}}, name: "{{name}}", description: "for tests"}) { accessToken metadata { urn id type name description actorUrn ownerUrn createdAt expiresAt } } }""";

    private static string ErrorCode(JsonElement result) => result.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString()!;

    private async Task<(string Token, JsonElement Metadata)> CreateAsync(string caller, string actor, string duration = "ONE_DAY", string name = "token")
    {
        var result = await GraphQLAsync(caller, Create(actor, duration, name));
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        var created = result.GetProperty("data").GetProperty("createAccessToken");
        return (created.GetProperty("accessToken").GetString()!, created.GetProperty("metadata"));
    }

    private async Task<HttpStatusCode> UseAsync(string token, HttpClient? client = null)
    {
        using var response = await (client ?? _proxy.Client).SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    [Fact]
    public async Task Create_ReturnsTheTokenAndItsMetadata_AndTheTokenWorksAsBearer()
    {
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 1000;
        var (token, metadata) = await CreateAsync("alice", "alice");

        Assert.Equal("urn:li:corpuser:alice", metadata.GetProperty("actorUrn").GetString());
        Assert.Equal("urn:li:corpuser:alice", metadata.GetProperty("ownerUrn").GetString());
        Assert.Equal("token", metadata.GetProperty("name").GetString());
        Assert.Equal("for tests", metadata.GetProperty("description").GetString());
        Assert.Equal("ACCESS_TOKEN", metadata.GetProperty("type").GetString());
        Assert.Equal("urn:li:dataHubAccessToken:" + metadata.GetProperty("id").GetString(), metadata.GetProperty("urn").GetString());
        var createdAt = metadata.GetProperty("createdAt").GetInt64();
        Assert.InRange(createdAt, before, before + 60_000);
        Assert.Equal(createdAt + 86_400_000, metadata.GetProperty("expiresAt").GetInt64());

        // DataHub: the id is the hash of the token.
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token))), metadata.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token));
        using var echo = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal("alice", (await echo.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
    }

    [Theory]
    [InlineData("ONE_HOUR", 3_600_000L)]
    [InlineData("ONE_WEEK", 604_800_000L)]
    [InlineData("ONE_MONTH", 2_592_000_000L)]
    [InlineData("THREE_MONTHS", 7_776_000_000L)]
    [InlineData("SIX_MONTHS", 15_552_000_000L)]
    [InlineData("ONE_YEAR", 31_536_000_000L)]
    public async Task EveryDuration(string duration, long milliseconds)
    {
        var (_, metadata) = await CreateAsync("alice", "alice", duration);
        Assert.Equal(metadata.GetProperty("createdAt").GetInt64() + milliseconds, metadata.GetProperty("expiresAt").GetInt64());
    }

    [Fact]
    public async Task NoExpiry_IsTheOperatorsChoice_HasNoExpiresAt_AndWorks()
    {
        var refused = await GraphQLAsync("alice", Create("alice", "NO_EXPIRY"));
        Assert.Equal("BAD_REQUEST", ErrorCode(refused));
        Assert.Contains("NO_EXPIRY", refused.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        await using var allowing = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users,
            new Dictionary<string, string> { ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "true" });
        var result = await GraphQLAsync(allowing, "alice", Create("alice", "NO_EXPIRY"));
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        var created = result.GetProperty("data").GetProperty("createAccessToken");

        Assert.Equal(JsonValueKind.Null, created.GetProperty("metadata").GetProperty("expiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(created.GetProperty("accessToken").GetString()!, allowing.Client));
    }

    [Fact]
    public async Task NoExpiry_AndLongDurations_CanBeDisabled()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users,
            new Dictionary<string, string> { ["AuthProxy:PersonalTokens:AllowNoExpiry"] = "false", ["AuthProxy:PersonalTokens:MaxDuration"] = "30.00:00:00" });

        var noExpiry = await GraphQLAsync(proxy, "alice", Create("alice", "NO_EXPIRY"));
        var year = await GraphQLAsync(proxy, "alice", Create("alice", "ONE_YEAR"));
        var week = await GraphQLAsync(proxy, "alice", Create("alice", "ONE_WEEK"));

        Assert.Equal("BAD_REQUEST", ErrorCode(noExpiry));
        Assert.Contains("NO_EXPIRY", noExpiry.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("BAD_REQUEST", ErrorCode(year));
        Assert.False(week.TryGetProperty("errors", out _));
    }

    public static TheoryData<string, string, bool> CreateMatrix() => new()
    {
        { "alice", "alice", true },   // GENERATE, for herself
        { "alice", "bob", false },    // GENERATE does not reach others
        { "bob", "bob", false },      // no privilege at all
        { "admin", "bob", true },     // MANAGE reaches everyone
        { "admin", "admin", true },   // MANAGE includes oneself
    };

    [Theory]
    [MemberData(nameof(CreateMatrix))]
    public async Task Create_PrivilegeMatrix(string caller, string actor, bool allowed)
    {
        var result = await GraphQLAsync(caller, Create(actor));

        if (allowed)
        {
            var metadata = result.GetProperty("data").GetProperty("createAccessToken").GetProperty("metadata");
            Assert.Equal($"urn:li:corpuser:{actor}", metadata.GetProperty("actorUrn").GetString());
            Assert.Equal($"urn:li:corpuser:{caller}", metadata.GetProperty("ownerUrn").GetString());
        }
        else
        {
            Assert.Equal("UNAUTHORIZED", ErrorCode(result));
            Assert.StartsWith("Unauthorized to perform this action.", result.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("createAccessToken").ValueKind);
        }
    }

    [Fact]
    public async Task TheActor_IsTheAuthenticatedCaller_NeverTheXDataHubActorHeader()
    {
        var request = Http.Json(HttpMethod.Post, "/api/graphql", new { query = Create("admin") }).WithBasic("bob", Password);
        request.Headers.Add("X-DataHub-Actor", "urn:li:corpuser:admin");
        using var response = await _proxy.Client.SendAsync(request);

        Assert.Equal("UNAUTHORIZED", ErrorCode(await response.JsonAsync()));

        // And on proxied routes the header never reaches the backend.
        var (token, _) = await CreateAsync("alice", "alice");
        var proxied = Http.Get("/restpp/query/social/q", token);
        proxied.Headers.Add("X-DataHub-Actor", "urn:li:corpuser:admin");
        using var echoed = await _proxy.Client.SendAsync(proxied);
        Assert.False((await echoed.EchoAsync()).GetProperty("headers").TryGetProperty("X-DataHub-Actor", out _));
    }

    [Fact]
    public async Task List_OwnTokens_WithOwnerFilter_PaginatedNewestExpiryFirst()
    {
        var durations = new[] { "ONE_HOUR", "ONE_DAY", "ONE_WEEK", "ONE_MONTH", "THREE_MONTHS", "SIX_MONTHS", "ONE_YEAR" };
        for (var i = 0; i < 21; i++)
        {
            await CreateAsync("alice", "alice", durations[i % durations.Length], $"t{i}");
        }

        await CreateAsync("admin", "bob", "ONE_DAY", "bobs");
        const string Page = """query($start: Int, $count: Int) { listAccessTokens(input: {start: $start, count: $count, filters: [{field: "ownerUrn", value: "urn:li:corpuser:alice"}]}) { start count total tokens { id name expiresAt actorUrn } } }""";

        var first = (await GraphQLAsync("alice", Page, new { start = 0, count = 20 })).GetProperty("data").GetProperty("listAccessTokens");
        var second = (await GraphQLAsync("alice", Page, new { start = 20, count = 20 })).GetProperty("data").GetProperty("listAccessTokens");
        var defaults = (await GraphQLAsync("alice", """{ listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:alice"}]}) { start count total } }"""))
            .GetProperty("data").GetProperty("listAccessTokens");

        Assert.Equal(21, first.GetProperty("total").GetInt32());
        Assert.Equal(20, first.GetProperty("count").GetInt32());
        Assert.Equal(1, second.GetProperty("count").GetInt32());
        Assert.Equal(20, second.GetProperty("start").GetInt32());
        Assert.Equal((0, 20), (defaults.GetProperty("start").GetInt32(), defaults.GetProperty("count").GetInt32()));
        var expiries = first.GetProperty("tokens").EnumerateArray().Concat(second.GetProperty("tokens").EnumerateArray()).Select(t => t.GetProperty("expiresAt").GetInt64()).ToList();
        Assert.Equal(expiries.OrderDescending(), expiries);
        Assert.All(first.GetProperty("tokens").EnumerateArray(), t => Assert.Equal("urn:li:corpuser:alice", t.GetProperty("actorUrn").GetString()));
    }

    [Fact]
    public async Task List_WithoutOwnFilter_NeedsManageAccessTokens()
    {
        await CreateAsync("alice", "alice");
        await CreateAsync("admin", "bob");

        var all = await GraphQLAsync("alice", """{ listAccessTokens(input: {start: 0, count: 100, filters: []}) { total } }""");
        var others = await GraphQLAsync("alice", """{ listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:admin"}]}) { total } }""");
        var bob = await GraphQLAsync("bob", """{ listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:bob"}]}) { total } }""");
        var admin = await GraphQLAsync("admin", """{ listAccessTokens(input: {start: 0, count: 100, filters: []}) { total } }""");
        var byActor = await GraphQLAsync("admin", """{ listAccessTokens(input: {filters: [{field: "actorUrn", value: "urn:li:corpuser:bob"}]}) { total tokens { ownerUrn } } }""");
        var badField = await GraphQLAsync("admin", """{ listAccessTokens(input: {filters: [{field: "name", value: "x"}]}) { total } }""");

        Assert.Equal("UNAUTHORIZED", ErrorCode(all));
        Assert.Equal("UNAUTHORIZED", ErrorCode(others));
        Assert.Equal("UNAUTHORIZED", ErrorCode(bob));
        Assert.Equal(2, admin.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32());
        var bobs = byActor.GetProperty("data").GetProperty("listAccessTokens");
        Assert.Equal(1, bobs.GetProperty("total").GetInt32());
        Assert.Equal("urn:li:corpuser:admin", bobs.GetProperty("tokens")[0].GetProperty("ownerUrn").GetString());
        Assert.Equal("BAD_REQUEST", ErrorCode(badField));
    }

    [Fact]
    public async Task Revoke_ThenTheNextRequestOnTheSameKeepAliveConnectionFails()
    {
        var (token, metadata) = await CreateAsync("alice", "alice");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = _proxy.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token, client));

        var revoked = await GraphQLAsync("alice", """mutation($id: String!) { revokeAccessToken(tokenId: $id) }""", new { id = metadata.GetProperty("id").GetString() });

        Assert.True(revoked.GetProperty("data").GetProperty("revokeAccessToken").GetBoolean());
        using var refused = await client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("revoked", (await refused.JsonAsync()).GetProperty("reason").GetString());
    }

    public static TheoryData<string, string, bool> RevokeMatrix() => new()
    {
        { "alice", "alice", true },   // her own
        { "bob", "alice", false },    // someone else's, without MANAGE
        { "admin", "alice", true },   // MANAGE
    };

    [Theory]
    [MemberData(nameof(RevokeMatrix))]
    public async Task Revoke_PrivilegeMatrix(string caller, string owner, bool allowed)
    {
        var (token, metadata) = await CreateAsync(owner, owner);

        var result = await GraphQLAsync(caller, """mutation($id: String!) { revokeAccessToken(tokenId: $id) }""", new { id = metadata.GetProperty("id").GetString() });

        if (allowed)
        {
            Assert.True(result.GetProperty("data").GetProperty("revokeAccessToken").GetBoolean());
            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(token));
        }
        else
        {
            Assert.Equal("UNAUTHORIZED", ErrorCode(result));
            Assert.Equal(HttpStatusCode.OK, await UseAsync(token));
        }
    }

    [Fact]
    public async Task Revoke_UnknownId_IsAnError()
    {
        var result = await GraphQLAsync("admin", """mutation { revokeAccessToken(tokenId: "no-such-token") }""");
        Assert.Equal("NOT_FOUND", ErrorCode(result));
    }

    [Fact]
    public async Task GetAccessTokenMetadata_ForOwnToken()
    {
        var (token, metadata) = await CreateAsync("alice", "alice");

        var mine = await GraphQLAsync("alice", """query($t: String!) { getAccessTokenMetadata(token: $t) { id actorUrn } }""", new { t = token });
        var bobs = await GraphQLAsync("bob", """query($t: String!) { getAccessTokenMetadata(token: $t) { id } }""", new { t = token });

        Assert.Equal(metadata.GetProperty("id").GetString(), mine.GetProperty("data").GetProperty("getAccessTokenMetadata").GetProperty("id").GetString());
        Assert.Equal("UNAUTHORIZED", ErrorCode(bobs));
    }

    [Fact]
    public async Task Variables_OperationName_Introspection_AndTheFrontendPath()
    {
        var created = await GraphQLAsync(_proxy, "alice", """
            query Other { listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:alice"}]}) { total } }
            mutation Make($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken } }
            """.Replace("\n", " ", StringComparison.Ordinal),
            null, "/api/v2/graphql");
        Assert.True(created.TryGetProperty("errors", out _), "two operations without operationName must be an error");

        var request = Http.Json(HttpMethod.Post, "/api/v2/graphql", new
        {
            query = "query Other { __typename } mutation Make($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { accessToken } }",
            operationName = "Make",
            variables = new { input = new { type = "PERSONAL", actorUrn = "urn:li:corpuser:alice", duration = "ONE_HOUR", name = "via variables" } },
        }).WithBasic("alice", Password);
        using var response = await _proxy.Client.SendAsync(request);
        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("eyJ", body.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString(), StringComparison.Ordinal);

        var schema = await GraphQLAsync("bob", """{ __type(name: "AccessTokenDuration") { enumValues { name } } }""");
        Assert.Equal(["ONE_HOUR", "ONE_DAY", "ONE_WEEK", "ONE_MONTH", "THREE_MONTHS", "SIX_MONTHS", "ONE_YEAR", "NO_EXPIRY"],
            schema.GetProperty("data").GetProperty("__type").GetProperty("enumValues").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));
    }

    [Fact]
    public async Task BadRequests_AreGraphQLErrors_NeverA500()
    {
        foreach (var body in new[] { "{not json", "{}", "{\"query\": \"{ nope }\"}", "{\"query\": \"mutation { createAccessToken(input: {}) { accessToken } }\"}" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") }.WithBasic("alice", Password);
            using var response = await _proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.JsonAsync()).GetProperty("errors").GetArrayLength() > 0, body);
        }

        var badUrn = await GraphQLAsync("admin", """mutation { createAccessToken(input: {type: PERSONAL, actorUrn: "kevin", duration: ONE_DAY, name: "x"}) { accessToken } }""");
        var ghost = await GraphQLAsync("admin", Create("ghost"));
        Assert.Equal("BAD_REQUEST", ErrorCode(badUrn));
        Assert.Equal("BAD_REQUEST", ErrorCode(ghost));

        using var anonymous = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/api/graphql", new { query = "{ __typename }" }));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Restart_KeepsTokensAndRevocations_AndOnlyHashesAreStored()
    {
        var directory = ProxyHost.CreateDirectory();
        string kept, revoked, keptId;
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users, directory: directory, keepDirectory: true))
        {
            var a = await GraphQLAsync(proxy, "alice", Create("alice", "ONE_YEAR", "kept"));
            var b = await GraphQLAsync(proxy, "alice", Create("alice", "ONE_DAY", "revoked"));
            kept = a.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString()!;
            keptId = a.GetProperty("data").GetProperty("createAccessToken").GetProperty("metadata").GetProperty("id").GetString()!;
            revoked = b.GetProperty("data").GetProperty("createAccessToken").GetProperty("accessToken").GetString()!;
            var id = b.GetProperty("data").GetProperty("createAccessToken").GetProperty("metadata").GetProperty("id").GetString();
            await GraphQLAsync(proxy, "alice", """mutation($id: String!) { revokeAccessToken(tokenId: $id) }""", new { id });
        }

        var files = Directory.GetFiles(Path.Combine(directory, "data"), "authproxy.db*");
        Assert.Contains(files, f => Path.GetFileName(f) == "authproxy.db");
        var contents = new List<string>();
        foreach (var file in files)
        {
            var content = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(kept, content, StringComparison.Ordinal);
            Assert.DoesNotContain(revoked, content, StringComparison.Ordinal);
            Assert.DoesNotContain(kept.Split('.')[2], content, StringComparison.Ordinal);
            Assert.DoesNotContain(revoked.Split('.')[2], content, StringComparison.Ordinal);
            contents.Add(content);
        }

        // The token records are in the files searched: the search looks where the tokens live.
        Assert.Contains(contents, c => c.Contains(keptId, StringComparison.Ordinal));

        await using var restarted = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users, directory: directory);
        using var keptResponse = await restarted.Client.SendAsync(Http.Get("/restpp/query/social/q", kept));
        using var revokedResponse = await restarted.Client.SendAsync(Http.Get("/restpp/query/social/q", revoked));
        var listed = await GraphQLAsync(restarted, "alice", """{ listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:alice"}]}) { total tokens { id } } }""");

        Assert.Equal(HttpStatusCode.OK, keptResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revokedResponse.StatusCode);
        Assert.Equal([keptId], listed.GetProperty("data").GetProperty("listAccessTokens").GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
    }
}
