using System.Text;
using AuthProxy.Hosting;
using AuthProxy.Policy;
using AuthProxy.Routing;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Tests.Routing;

public sealed class RoutesFileReaderTests
{
    private static readonly Uri Backend = new("http://127.0.0.1:9000/");

    /// <summary>AuthProxy's services with no settings, as the routes file's reader needs them.</summary>
    internal static ServiceProvider CreateServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        services.AddRouting();
        services.AddCors();
        services.AddAuthProxy(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider();
    }

    private static RoutesFileReader CreateReader() => new(CreateServices().GetRequiredService<IConfigValidator>());

    private static Task<(RoutesSnapshot? Snapshot, List<string> Problems)> ReadAsync(string json, bool enableAuth = true) =>
        CreateReader().ReadAsync(Encoding.UTF8.GetBytes(json), enableAuth);

    [Fact]
    public async Task Reads_TheStandardFile()
    {
        var (snapshot, problems) = await ReadAsync(TestRoutes.Standard(Backend));

        Assert.Empty(problems);
        Assert.Equal(10, snapshot!.Routes.Count);
        Assert.Single(snapshot.Clusters);
        var query = snapshot.Routes.Single(r => r.RouteId == "restpp-query");
        Assert.Equal("graph-read", query.AuthorizationPolicy);
        var policy = snapshot.PolicyOf(query)!;
        Assert.Equal(new GraphSource(GraphSourceKind.Route, "graph"), policy.Graph);
        Assert.Equal(["READ_DATA"], policy.Privileges.ToArray());
        Assert.Equal("default", snapshot.Routes.Single(r => r.RouteId == "restpp-version").AuthorizationPolicy);
        Assert.All(snapshot.Routes, r => Assert.Equal(snapshot.RevisionId, r.Metadata![RoutesSnapshot.RevisionMetadataKey]));
    }

    [Fact]
    public async Task Reads_TheRepositoryRoutesFile()
    {
        var path = Path.Combine(FindRepositoryRoot(), "routes.json");
        var (snapshot, problems) = await CreateReader().ReadAsync(await File.ReadAllBytesAsync(path), enableAuth: true);

        Assert.Empty(problems);
        Assert.NotEmpty(snapshot!.Routes);
    }

    [Fact]
    public async Task EnableAuthFalse_MakesEveryRouteAnonymous()
    {
        var (snapshot, _) = await ReadAsync(TestRoutes.Standard(Backend), enableAuth: false);

        Assert.All(snapshot!.Routes, r => Assert.Equal("anonymous", r.AuthorizationPolicy));
    }

    [Fact]
    public async Task ReportsEveryProblem_InOnePass()
    {
        const string file = """
            {
              "ReverseProxy": {
                "Routes": {
                  "a": { "ClusterId": "c", "AuthorizationPolicy": "nope", "Match": { "Path": "/a" } },
                  "b": { "ClusterId": "missing", "AuthorizationPolicy": "scoped", "Match": { "Path": "/b" } },
                  "c": { "ClusterId": "c", "Match": { "Path": "/c/{x" } },
                  "d": { "ClusterId": "c", "Mtach": { "Path": "/d" } },
                  "e": { "ClusterId": "c", "Match": { "Path": "/e" }, "Metadata": { "AuthProxy.StripHeaders": "X-A,,Host", "AuthProxy.Strip": "X-B" } }
                },
                "Clusters": {
                  "c": { "Destinations": { "main": { "Address": "http://127.0.0.1:9000/" } } },
                  "empty": { "Destinations": { } }
                }
              },
              "AuthPolicies": {
                "scoped": { "Schemes": [ "Bearer", "Digest" ], "Graph": "route:graph", "ErrorStyle": "Html", "Privileges": [ "READ DATA" ] },
                "anonymous": { "Schemes": [ "Bearer" ] },
                "odd": { "Schemes": [ ], "Graph": "body:graph", "Frobnicate": true, "ForwardAuthorization": "maybe" }
              },
              "Logging": {}
            }
            """;

        var (snapshot, problems) = await ReadAsync(file);

        Assert.Null(snapshot);
        string[] expected =
        [
            "unknown section 'Logging'",
            "AuthPolicies:scoped:Schemes: 'Digest' is not a scheme",
            "AuthPolicies:scoped:ErrorStyle: 'Html' must be Restpp or Problem",
            "AuthPolicies:scoped:Privileges: 'READ DATA' is not a privilege name",
            "AuthPolicies:anonymous: 'anonymous' is built in",
            "AuthPolicies:odd: unknown setting 'Frobnicate'",
            "AuthPolicies:odd:Schemes: lists no scheme",
            "AuthPolicies:odd:Graph: 'body:graph' must be route:NAME, query:NAME or header:NAME",
            "AuthPolicies:odd:ForwardAuthorization: 'maybe' must be true or false",
            "ReverseProxy:Clusters:empty: has no Destinations",
            "ReverseProxy:Routes:a: AuthorizationPolicy 'nope' is not defined",
            "ReverseProxy:Routes:b: ClusterId 'missing' names no cluster",
            "ReverseProxy:Routes:c:",
            "ReverseProxy:Routes:d:",
            "ReverseProxy:Routes:e: Metadata AuthProxy.StripHeaders: an entry is empty",
            "ReverseProxy:Routes:e: Metadata AuthProxy.StripHeaders: 'Host' would strip Host",
            "ReverseProxy:Routes:e: Metadata AuthProxy.Strip: unknown AuthProxy setting",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(problems, p => p.StartsWith(text, StringComparison.Ordinal) || p.Contains(text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RouteGraphSource_MustBeAParameterOfThePath()
    {
        var file = TestRoutes.Standard(Backend).Replace("\"Match\": { \"Path\": \"/restpp/query/{graph}/{query}\" }", "\"Match\": { \"Path\": \"/restpp/query/{g}/{query}\" }", StringComparison.Ordinal);

        var (_, problems) = await ReadAsync(file);

        var problem = Assert.Single(problems);
        Assert.Equal("ReverseProxy:Routes:restpp-query: policy 'graph-read' reads the graph from route value 'graph', but Match.Path has no {graph}", problem);
    }

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("{ \"ReverseProxy\": ", "invalid JSON")]
    [InlineData("[1, 2]", "invalid JSON")]
    [InlineData("{ \"ReverseProxy\": {}, \"reverseproxy\": {} }", "duplicate")]
    public async Task InvalidJson_IsOneProblem(string file, string expected)
    {
        var (snapshot, problems) = await ReadAsync(file);

        Assert.Null(snapshot);
        Assert.Contains(expected, Assert.Single(problems), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DefaultPolicy_CanBeRedefined()
    {
        var file = TestRoutes.Standard(Backend, extraPolicies: ",\n\"default\": { \"Schemes\": [ \"Bearer\" ], \"ErrorStyle\": \"Problem\" }");

        var (snapshot, problems) = await ReadAsync(file);

        Assert.Empty(problems);
        Assert.Equal(["Bearer"], snapshot!.DefaultPolicy.Schemes.ToArray());
        Assert.Equal(AuthProxy.Errors.ErrorStyle.Problem, snapshot.DefaultPolicy.ErrorStyle);
    }

    internal static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AuthProxy.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("AuthProxy.sln not found above " + AppContext.BaseDirectory);
    }
}
