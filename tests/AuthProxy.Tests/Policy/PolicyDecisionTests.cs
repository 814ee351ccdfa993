using System.Collections.Frozen;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Users;
using Microsoft.AspNetCore.Http;

namespace AuthProxy.Tests.Policy;

/// <summary>Graph scope and privileges: who may do what on which graph.</summary>
public sealed class PolicyDecisionTests
{
    private static readonly User Kevin = new("kevin", null,
        new Dictionary<string, FrozenSet<string>> { ["social"] = Set("READ_DATA"), ["finance"] = Set("READ_DATA", "WRITE_DATA") },
        Set("GENERATE_PERSONAL_ACCESS_TOKENS"));

    private static readonly User Admin = new("admin", null,
        new Dictionary<string, FrozenSet<string>> { ["*"] = Set("READ_DATA") }, Set("MANAGE_ACCESS_TOKENS"));

    private static FrozenSet<string> Set(params string[] values) => values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static AuthPolicyDefinition Policy(string? graph, params string[] privileges) =>
        new("p", ["Bearer"], graph is null ? null : GraphSourceOf(graph), [.. privileges], ErrorStyle.Restpp, false);

    private static GraphSource GraphSourceOf(string text)
    {
        Assert.True(GraphSource.TryParse(text, out var source));
        return source!;
    }

    private static (string? Reason, string? Message, string? Graph) Decide(User user, string? tokenGraph, AuthPolicyDefinition policy, string? routeGraph = null, string? query = null,
        params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        if (routeGraph is not null)
        {
            context.Request.RouteValues["graph"] = routeGraph;
        }

        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }

        var caller = new CallerIdentity(user, AuthSchemes.Bearer, tokenGraph, null, "eyJh****abcd");
        var refusal = AuthPolicyHandler.Decide(context, caller, policy, out var graph);
        return (refusal?.Reason, refusal?.Message, graph);
    }

    [Fact]
    public void GlobalToken_CarriesEveryGrant()
    {
        Assert.Equal((null, null, "finance"), Decide(Kevin, null, Policy("route:graph", "WRITE_DATA"), "finance"));
        Assert.Equal("privilege", Decide(Kevin, null, Policy("route:graph", "WRITE_DATA"), "social").Reason);
    }

    [Fact]
    public void ScopedToken_OnlyForItsGraph()
    {
        Assert.Null(Decide(Kevin, "social", Policy("route:graph", "READ_DATA"), "social").Reason);
        var (reason, message, _) = Decide(Kevin, "social", Policy("route:graph", "READ_DATA"), "finance");
        Assert.Equal("graph-scope", reason);
        Assert.Equal("Access Denied because the input token = 'eyJh****abcd' is scoped to graph social, not finance", message);
    }

    [Fact]
    public void ScopedToken_DoesNotCarryGlobalPrivileges()
    {
        Assert.Null(Decide(Kevin, null, Policy(null, "GENERATE_PERSONAL_ACCESS_TOKENS")).Reason);
        Assert.Equal("privilege", Decide(Kevin, "social", Policy(null, "GENERATE_PERSONAL_ACCESS_TOKENS")).Reason);
    }

    [Fact]
    public void ScopedToken_ForAGraphTheUserCannotAccess_IsRefusedEverywhere()
    {
        var (reason, message, _) = Decide(Kevin, "hr", Policy(null));
        Assert.Equal("graph-scope", reason);
        Assert.Equal("Access Denied because user kevin has no access to graph hr", message);
    }

    [Fact]
    public void StarGrant_CoversEveryGraph()
    {
        Assert.Null(Decide(Admin, null, Policy("route:graph", "READ_DATA"), "anything").Reason);
        Assert.Null(Decide(Admin, "anything", Policy("route:graph", "READ_DATA"), "anything").Reason);
        Assert.Equal("privilege", Decide(Admin, null, Policy("route:graph", "WRITE_DATA"), "anything").Reason);
    }

    [Fact]
    public void GlobalPrivileges_CountOnGraphRoutes_ForGlobalCredentials()
    {
        Assert.Null(Decide(Admin, null, Policy("route:graph", "MANAGE_ACCESS_TOKENS"), "social").Reason);
    }

    [Fact]
    public void MissingOrAmbiguousGraph_IsRefused()
    {
        Assert.Equal("Access Denied because the request names no graph (expected in route value 'graph')", Decide(Admin, null, Policy("route:graph")).Message);
        Assert.Equal("graph-scope", Decide(Admin, null, Policy("query:graph"), query: "?graph=").Reason);
        Assert.Equal("graph-scope", Decide(Admin, null, Policy("query:graph"), query: "?graph=a&graph=b").Reason);
        Assert.Null(Decide(Admin, null, Policy("query:graph"), query: "?graph=a").Reason);
    }

    [Fact]
    public void SeveralMissingPrivileges_AreAllNamed()
    {
        var (_, message, _) = Decide(Kevin, null, Policy("route:graph", "READ_DATA", "WRITE_DATA", "DELETE_DATA"), "social");
        Assert.Equal("Access Denied because user kevin lacks WRITE_DATA, DELETE_DATA on graph social", message);
    }

    [Fact]
    public void PrivilegeNames_AreCaseInsensitive()
    {
        Assert.Null(Decide(Kevin, null, Policy("route:graph", "read_data"), "social").Reason);
    }

    [Fact]
    public void QueryTwin_IsRefused_NamingTheTwin()
    {
        var (reason, message, _) = Decide(Admin, null, Policy("query:graph"), query: "?graph=social&graph[]=finance");

        Assert.Equal("graph-scope", reason);
        Assert.Equal("Access Denied because the request carries query parameter 'graph[]', which backends may read as query parameter 'graph'; "
            + "send the graph only as query parameter 'graph'", message);
        Assert.Equal("graph-scope", Decide(Admin, null, Policy("query:graph"), query: "?graph%00=finance").Reason);
        Assert.Equal("graph-scope", Decide(Admin, null, Policy("query:graph"), query: "?Graph=finance").Reason);
    }

    [Fact]
    public void HeaderTwin_IsRefused_BesideOrInsteadOfTheName()
    {
        var policy = Policy("header:X-Graph");

        var (reason, message, _) = Decide(Kevin, "social", policy, headers: [("X-Graph", "social"), ("X_Graph", "finance")]);
        Assert.Equal("graph-scope", reason);
        Assert.Equal("Access Denied because the request carries header 'X_Graph', which backends may read as header 'X-Graph'; "
            + "send the graph only as header 'X-Graph'", message);
        Assert.Equal("graph-scope", Decide(Kevin, "social", policy, headers: [("x_graph", "social")]).Reason);
        Assert.Equal((null, null, "social"), Decide(Kevin, "social", policy, headers: [("x-graph", "social")]));
    }
}
