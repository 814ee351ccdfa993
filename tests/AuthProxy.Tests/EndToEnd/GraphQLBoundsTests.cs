using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The GraphQL denial-of-service class at /api/graphql, through real HTTP: every adversarial shape
/// is refused with its bound named (and the proxy answers the next request), mutations past the cap
/// run none, clients' introspection still works, and a request stops at its deadline or when its
/// client leaves.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GraphQLBoundsTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ProxyHost proxy, string query, string path = "/api/graphql")
    {
        var request = Http.Json(HttpMethod.Post, path, new { query }).WithBasic("kevin", TestUsers.KevinPassword);
        using var response = await proxy.Client.SendAsync(request);
        return (response.StatusCode, await response.JsonAsync());
    }

    private static string Code(JsonElement body, int index = 0) =>
        body.GetProperty("errors")[index].GetProperty("extensions").GetProperty("code").GetString()!;

    private static string Message(JsonElement body, int index = 0) => body.GetProperty("errors")[index].GetProperty("message").GetString()!;

    /// <summary>An ordinary request, answered.</summary>
    private static async Task AssertAnswersAsync(ProxyHost proxy)
    {
        var (status, body) = await PostAsync(proxy, "{ __typename }");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Query", body.GetProperty("data").GetProperty("__typename").GetString());
    }

    private static async Task<int> TokenCountAsync(ProxyHost proxy)
    {
        var (_, body) = await PostAsync(proxy, """{ listAccessTokens(input: {filters: [{field: "ownerUrn", value: "urn:li:corpuser:kevin"}]}) { total } }""");
        return body.GetProperty("data").GetProperty("listAccessTokens").GetProperty("total").GetInt32();
    }

    [Theory]
    [InlineData("/api/graphql")]
    [InlineData("/api/v2/graphql")]
    public async Task FragmentBomb_FromTheIssue_IsRefused_AndTheProxyStillAnswers(string path)
    {
        var (status, body) = await PostAsync(_proxy, GraphQLDocuments.FragmentBomb(30), path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MAX_FRAGMENTS_EXCEEDED", Code(body));
        Assert.Equal("The document defines more than 20 fragments (AuthProxy:GraphQL:MaxFragments).", Message(body));
        await AssertAnswersAsync(_proxy);
    }

    [Fact]
    public async Task FragmentBomb_WithEveryCountRaisedToItsMaximum_IsStillRefused_WithoutExpanding()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:GraphQL:MaxFragments"] = "1000",
            ["AuthProxy:GraphQL:MaxSpreads"] = "1000",
            ["AuthProxy:GraphQL:MaxFieldRepeats"] = "100",
            ["AuthProxy:GraphQL:MaxSelections"] = "10000",
            ["AuthProxy:GraphQL:MaxNodes"] = "100000",
        });

        // 2^30 fields if expanded; deciding it takes a pass over its 500 nodes.
        var (status, body) = await PostAsync(proxy, GraphQLDocuments.FragmentBomb(30));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MAX_FIELD_REPEATS_EXCEEDED", Code(body));
        Assert.Contains("(AuthProxy:GraphQL:MaxFieldRepeats)", Message(body), StringComparison.Ordinal);
        await AssertAnswersAsync(proxy);
    }

    public static TheoryData<string> Shapes() => [.. GraphQLDocuments.Worst.Keys];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task EveryAdversarialShape_At64KB_IsDecided_RefusedWithItsBoundNamed_AndTheProxyAnswersNext(string shape)
    {
        var (query, code) = GraphQLDocuments.Worst[shape];
        var request = Http.Json(HttpMethod.Post, "/api/graphql", new { query }).WithBasic("kevin", TestUsers.KevinPassword);
        var size = (await request.Content!.ReadAsByteArrayAsync()).Length;
        Assert.InRange(size, 56 * 1024, 64 * 1024);

        using var response = await _proxy.Client.SendAsync(request);
        var body = await response.JsonAsync();

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        if (code is null)
        {
            // The costliest document within every bound: answered.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        }
        else if (code == "MAX_ERRORS_EXCEEDED")
        {
            // Validation ran, and stopped after the first 100 errors.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = body.GetProperty("errors");
            Assert.Equal(101, errors.GetArrayLength());
            Assert.Equal(code, Code(body, 100));
            Assert.Equal("Validation stopped after 100 errors (AuthProxy:GraphQL:MaxErrors).", Message(body, 100));
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(body.TryGetProperty("data", out _), shape);
            Assert.Equal(1, body.GetProperty("errors").GetArrayLength());
            Assert.Equal(code, Code(body));
            if (code.StartsWith("MAX_", StringComparison.Ordinal))
            {
                Assert.Matches(@" \d+ .*\(AuthProxy:GraphQL:Max[A-Za-z]+\)\.$", Message(body));
            }
        }

        await AssertAnswersAsync(_proxy);
    }

    [Fact]
    public async Task HundredAliasedCreateAccessToken_CreateNone()
    {
        var before = await TokenCountAsync(_proxy);

        var (status, body) = await PostAsync(_proxy, GraphQLDocuments.Mutations(100, "kevin"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code(body));
        Assert.Equal("The anonymous operation selects more than 5 mutation fields; none of them ran (AuthProxy:GraphQL:MaxMutations).", Message(body));
        Assert.Equal(before, await TokenCountAsync(_proxy));
    }

    [Fact]
    public async Task MutationsPastTheCap_ThroughFragments_CreateNone()
    {
        const string Create = """createAccessToken(input: {type: PERSONAL, actorUrn: "urn:li:corpuser:kevin", duration: ONE_HOUR, name: "f"}) { accessToken }""";
        var before = await TokenCountAsync(_proxy);

        var (status, body) = await PostAsync(_proxy,
            $"mutation {{ a: {Create} ... on Mutation {{ b: {Create} }} ...M }} fragment M on Mutation {{ c: {Create} d: {Create} e: {Create} f: {Create} }}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code(body));
        Assert.Equal(before, await TokenCountAsync(_proxy));
    }

    [Fact]
    public async Task MutationsWithinTheCap_AllRun()
    {
        var before = await TokenCountAsync(_proxy);

        var (status, body) = await PostAsync(_proxy, GraphQLDocuments.Mutations(5, "kevin"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        for (var i = 0; i < 5; i++)
        {
            Assert.StartsWith("eyJ", body.GetProperty("data").GetProperty("m" + i.ToString(CultureInfo.InvariantCulture)).GetProperty("accessToken").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before + 5, await TokenCountAsync(_proxy));
    }

    [Theory]
    [InlineData(GraphQLDocuments.GraphQLJsIntrospection)]
    [InlineData(GraphQLDocuments.GraphQLDotnetIntrospection)]
    public async Task IntrospectionQueries_OfGraphiQLAndGraphQLDotnet_AreAnswered(string query)
    {
        var (status, body) = await PostAsync(_proxy, query);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        var types = body.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("AccessTokenMetadata", types);
        Assert.Contains("CreateAccessTokenInput", types);
        Assert.Equal("Mutation", body.GetProperty("data").GetProperty("__schema").GetProperty("mutationType").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Settings_TakeEffect()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:GraphQL:MaxDepth"] = "2",
            ["AuthProxy:GraphQL:MaxMutations"] = "1",
        });

        var deep = await PostAsync(proxy, "{ listAccessTokens(input: {}) { tokens { id } } }");
        var shallow = await PostAsync(proxy, "{ listAccessTokens(input: {filters: [{field: \"ownerUrn\", value: \"urn:li:corpuser:kevin\"}]}) { total } }");
        var two = await PostAsync(proxy, GraphQLDocuments.Mutations(2, "kevin"));

        Assert.Equal("MAX_DEPTH_EXCEEDED", Code(deep.Body));
        Assert.Equal(HttpStatusCode.OK, shallow.Status);
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code(two.Body));
        Assert.Contains("more than 1 mutation fields", Message(two.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadSettings_StopTheStart()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["AuthProxy:GraphQL:MaxDepth"] = "0",
                ["AuthProxy:GraphQL:MaxMutations"] = "1000",
                ["AuthProxy:GraphQL:ExecutionTimeout"] = "00:00:00",
            }));

        Assert.Contains(failure.Problems, p => p.Contains("MaxDepth", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("MaxMutations", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("ExecutionTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyntaxErrors_AreGraphQLErrors_WithoutEchoingTheDocument()
    {
        var (status, body) = await PostAsync(_proxy, GraphQLDocuments.Pad("{ a"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("SYNTAX_ERROR", Code(body));
        Assert.True(Message(body).Length < 200, Message(body));
    }

    public static TheoryData<string> OddBodies() =>
    [
        "[]", "5", "\"x\"", "null", "{\"query\": 5}", "{\"query\": \"{ __typename }\", \"variables\": 5}",
        "{\"query\": \"{ __typename }\", \"variables\": \"x\"}", "{\"query\": \"{ __typename }\", \"extensions\": [1]}",
        "{\"query\": \"{ __typename }\", \"operationName\": {}}",
        "{\"query\": \"query($v: Int) { __typename }\", \"variables\": {\"v\": " + new string('[', 200) + new string(']', 200) + "}}",
        "[{\"query\": \"{ __typename }\"}]",
    ];

    [Theory]
    [MemberData(nameof(OddBodies))]
    public async Task OddBodies_AreGraphQLErrors_NeverA500(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/graphql") { Content = new StringContent(json, Encoding.UTF8, "application/json") }
            .WithBasic("kevin", TestUsers.KevinPassword);
        using var response = await _proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ABodyPast64KB_IsRefused_EvenWithoutContentLength()
    {
        // Chunked, so only reading tells its size; reading stops at 64 KB.
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"query\": \"" + new string(' ', 200_000) + "{ __typename }\"}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/graphql") { Content = content }.WithBasic("kevin", TestUsers.KevinPassword);
        request.Headers.TransferEncodingChunked = true;
        using var response = await _proxy.Client.SendAsync(request);
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", Code(body));
        Assert.Equal("The request is larger than 65536 bytes.", Message(body));
    }

    /// <summary>Sends a POST whose body never completes: the headers and <paramref name="sent"/> of its bytes.</summary>
    private static async Task<TcpClient> SendPartialAsync(ProxyHost proxy, string body, int sent)
    {
#pragma warning disable CA2000 // the caller owns and disposes the connection
        var tcp = new TcpClient();
        await tcp.ConnectAsync(proxy.BaseAddress.Host, proxy.BaseAddress.Port);
        var bytes = Encoding.UTF8.GetBytes(body);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"kevin:{TestUsers.KevinPassword}"));
        var head = $"POST /api/graphql HTTP/1.1\r\nHost: {proxy.BaseAddress.Authority}\r\nAuthorization: Basic {basic}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes.AsMemory(0, sent));
        return tcp;
#pragma warning restore CA2000
    }

    [Fact]
    public async Task ARequestPastItsDeadline_IsStopped_AndAnsweredWithTimeout()
    {
        var time = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: time,
            settings: new Dictionary<string, string> { ["AuthProxy:GraphQL:ExecutionTimeout"] = "00:00:05" });
        using var tcp = await SendPartialAsync(proxy, JsonSerializer.Serialize(new { query = "{ __typename }" }), 10);
        var stream = tcp.GetStream();

        // The deadline starts when the request reaches the endpoint; advance the clock past it until it is answered.
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var read = reader.ReadToEndAsync();
        await ProxyHost.EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(6));
            return await Task.WhenAny(read, Task.Delay(100)) == read;
        }, "the request is answered at its deadline");
        var response = await read;

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        var body = JsonDocument.Parse(response[response.IndexOf('{', StringComparison.Ordinal)..(response.LastIndexOf('}') + 1)]).RootElement;
        Assert.Equal("TIMEOUT", Code(body));
        Assert.Contains("(AuthProxy:GraphQL:ExecutionTimeout)", Message(body), StringComparison.Ordinal);
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1902 && r.Message.Contains("kevin", StringComparison.Ordinal));
        await AssertAnswersAsync(proxy);
    }

    [Fact]
    public async Task AClientThatDisconnects_StopsItsRequest()
    {
        // The endpoint middleware's log says when the request reaches the endpoint.
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["Logging:LogLevel:Microsoft.AspNetCore.Routing.EndpointMiddleware"] = "Information" });
        using (var tcp = await SendPartialAsync(proxy, JsonSerializer.Serialize(new { query = "{ __typename }" }), 10))
        {
            await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot()
                .Any(r => r.Message.StartsWith("Executing endpoint", StringComparison.Ordinal) && r.Message.Contains("/api/graphql", StringComparison.Ordinal))),
                "the request reached the endpoint");

            // Then the client goes away mid-body: a reset, as a killed client or a dropped link would.
            tcp.Client.LingerState = new LingerOption(true, 0);
        }

        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1903)), "the request is seen to stop");
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1903
            && r.Message.StartsWith("GraphQL request from kevin stopped while reading the request: ", StringComparison.Ordinal));
        await AssertAnswersAsync(proxy);
    }
}
