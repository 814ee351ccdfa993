using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A policy reads the graph from one query parameter or header; a spelling of that name that a
/// backend would read as the same name (graph[], graph%00, X_Graph) must not ride along beside it,
/// or instead of it, to name another graph at the backend.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GraphTwinTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private static string Bearer(string user, string? graph = null) => $"Authorization: Bearer {TestTokens.Hs256(TestTokens.Claims(user, graph))}\r\n";

    [Fact]
    public async Task HeaderTwin_BesideOrInsteadOfTheHeader_IsRefused()
    {
        // The by-header policy reads header:GSQL-GRAPH; kevin may read social, not finance.
        var bearer = Bearer("kevin");

        var (beside, besideBody) = await Http.RawAsync(_proxy.BaseAddress, "/gsql/v1/schema", bearer + "GSQL-GRAPH: social\r\nGSQL_GRAPH: finance\r\n");
        var (instead, insteadBody) = await Http.RawAsync(_proxy.BaseAddress, "/gsql/v1/schema", bearer + "gsql_graph: social\r\n");
        var (plain, plainBody) = await Http.RawAsync(_proxy.BaseAddress, "/gsql/v1/schema", bearer + "gsql-graph: social\r\n");

        Assert.Equal(403, beside);
        Assert.Contains("\"reason\":\"graph-scope\"", besideBody, StringComparison.Ordinal);
        Assert.Contains("the request carries header 'GSQL_GRAPH', which backends may read as header 'GSQL-GRAPH'", besideBody, StringComparison.Ordinal);
        Assert.Equal(403, instead);
        Assert.Contains("header 'gsql_graph'", insteadBody, StringComparison.Ordinal);
        Assert.Equal(200, plain);
        Assert.Contains("\"X-AuthProxy-Graph\":\"social\"", plainBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryTwins_BesideOrInsteadOfTheParameter_AreRefused()
    {
        // The by-query policy reads query:graph; the token is scoped to social.
        var bearer = Bearer("kevin", "social");
        string[] twins =
        [
            "graph[]", "graph[0]", "graph[x]", "graph%5B%5D", "graph%00", "graph%00x", "Graph", "GRAPH",
            "graph%20", "%20graph", "+graph", "gr%2561ph", "graph%255B%255D",
        ];

        foreach (var twin in twins)
        {
            foreach (var query in new[] { $"?graph=social&{twin}=finance", $"?{twin}=finance&graph=social", $"?{twin}=social" })
            {
                var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/builtins" + query, bearer);

                Assert.True(status == 403, $"{query}: {status} {body}");
                Assert.True(body.Contains("\"reason\":\"graph-scope\"", StringComparison.Ordinal), $"{query}: {body}");
                Assert.True(body.Contains($"the request carries query parameter '{twin}', which backends may read as query parameter 'graph'", StringComparison.Ordinal),
                    $"{query}: {body}");
            }
        }

        // Backends that also split on ';' (older Python, Perl CGI) read a second graph here.
        var (semicolon, semicolonBody) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/builtins?graph=social&limit=3;graph=finance", bearer);
        Assert.Equal(403, semicolon);
        Assert.Contains("query parameter 'graph', which backends may read", semicolonBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// Java's equalsIgnoreCase (and Unicode case folding) reads the Kelvin sign as k, the long s as
    /// s, and the dotless and dotted i as i; ToUpperInvariant alone does not.
    /// </summary>
    [Fact]
    public async Task QueryTwins_ThatFoldToTheNameUnderUnicodeCaseRules_AreRefused()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress,
            extraPolicies: """, "by-workspace": { "Schemes": [ "Bearer" ], "Graph": "query:workspace_id", "Privileges": [ "READ_DATA" ] }""",
            extraRoutes: """, "by-workspace": { "ClusterId": "restpp", "AuthorizationPolicy": "by-workspace", "Match": { "Path": "/workspace/items" } }"""));
        var bearer = Bearer("kevin", "social");
        string[] twins = ["wor%E2%84%AAspace_id", "WOR%E2%84%AASPACE_ID", "work%C5%BFpace_id", "workspace_%C4%B1d", "WORKSPACE_%C4%B0D"];

        foreach (var twin in twins)
        {
            var (status, body) = await Http.RawAsync(proxy.BaseAddress, $"/workspace/items?workspace_id=social&{twin}=finance", bearer);

            Assert.True(status == 403, $"{twin}: {status} {body}");
            Assert.True(body.Contains($"the request carries query parameter '{twin}', which backends may read as query parameter 'workspace_id'", StringComparison.Ordinal),
                $"{twin}: {body}");
        }

        var (plain, plainBody) = await Http.RawAsync(proxy.BaseAddress, "/workspace/items?workspace_id=social", bearer);
        Assert.Equal(200, plain);
        Assert.Contains("\"X-AuthProxy-Graph\":\"social\"", plainBody, StringComparison.Ordinal);
    }

    /// <summary>A graph named twice, in the query or in the header, is refused, and the refusal says where.</summary>
    [Fact]
    public async Task AGraphNamedTwice_IsRefused_SayingWhere()
    {
        var (query, queryBody) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/builtins?graph=social&graph=finance", Bearer("kevin", "social"));
        var (header, headerBody) = await Http.RawAsync(_proxy.BaseAddress, "/gsql/v1/schema", Bearer("kevin") + "GSQL-GRAPH: social\r\nGSQL-GRAPH: finance\r\n");

        Assert.True(query == 403, queryBody);
        Assert.Contains("\"reason\":\"graph-scope\"", queryBody, StringComparison.Ordinal);
        Assert.Contains("Access Denied because the request names more than one graph in query parameter 'graph'", queryBody, StringComparison.Ordinal);
        Assert.True(header == 403, headerBody);
        Assert.Contains("Access Denied because the request names more than one graph in header 'GSQL-GRAPH'", headerBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderTwin_WithDots_IsRefused()
    {
        // Older Apache CGI maps '.' to '_' as well: GSQL.GRAPH arrives as HTTP_GSQL_GRAPH.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/gsql/v1/schema", Bearer("kevin") + "GSQL-GRAPH: social\r\nGSQL.GRAPH: finance\r\n");

        Assert.Equal(403, status);
        Assert.Contains("the request carries header 'GSQL.GRAPH', which backends may read as header 'GSQL-GRAPH'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainAndEncodedSpellingsOfTheName_AreStillForwarded()
    {
        var bearer = Bearer("kevin", "social");
        string[] queries = ["?graph=social", "?graph=social&limit=3", "?gr%61ph=social", "?graph=social&graphs=x&graph_name=y"];

        foreach (var query in queries)
        {
            var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/builtins" + query, bearer);

            Assert.True(status == 200, $"{query}: {status} {body}");
            Assert.True(body.Contains("\"X-AuthProxy-Graph\":\"social\"", StringComparison.Ordinal), $"{query}: {body}");
        }
    }
}
