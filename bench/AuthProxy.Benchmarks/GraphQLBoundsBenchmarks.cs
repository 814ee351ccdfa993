using System.Security.Claims;
using System.Text.Json;
using AuthProxy.Hosting;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens.DataHub;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Benchmarks;

/// <summary>
/// Deciding a GraphQL request at /api/graphql, from its JSON body to its written answer (reading,
/// parsing, bounds, and validation and execution when the document is within them), under the
/// default AuthProxy:GraphQL settings: an ordinary query and two clients' introspection queries
/// (answered), then every adversarial shape at 64 KB (refused). Without the bounds, the
/// 30-level fragment bomb alone took minutes.
/// </summary>
[MemoryDiagnoser]
public class GraphQLBoundsBenchmarks
{
    private ServiceProvider _services = null!;
    private GraphQLRequestHandler _handler = null!;
    private byte[] _body = null!;
    private string _directory = null!;

    private static readonly string[] Answered = ["ordinary", "introspection-graphql-js", "introspection-graphql-dotnet"];

    public static IEnumerable<string> Documents() => Answered.Concat(GraphQLDocuments.Worst.Keys);

    [ParamsSource(nameof(Documents))]
    public string Document { get; set; } = "ordinary";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("authproxy-bench-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:JWT:HMAC:Secret"] = BenchmarkKeys.HmacSecret,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = _directory });
        services.AddAuthProxy(configuration);
        _services = services.BuildServiceProvider();
        _handler = _services.GetRequiredService<GraphQLRequestHandler>();

        var query = Document switch
        {
            "ordinary" => """{ __type(name: "AccessTokenMetadata") { name fields { name type { name ofType { name } } } } }""",
            "introspection-graphql-js" => GraphQLDocuments.GraphQLJsIntrospection,
            "introspection-graphql-dotnet" => GraphQLDocuments.GraphQLDotnetIntrospection,
            _ => GraphQLDocuments.Worst[Document].Query,
        };
        _body = JsonSerializer.SerializeToUtf8Bytes(new { query });

        // Refused documents must be refused with their code, the others answered: the benchmark measures the real decision.
        var (status, answer) = DecideAsync().GetAwaiter().GetResult();
        var expected = GraphQLDocuments.Worst.TryGetValue(Document, out var shape) ? shape.Code : null;
        if ((expected is null) != (status == StatusCodes.Status200OK) || (expected is not null && !answer.Contains(expected, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{Document}: unexpected answer {status} {answer[..Math.Min(300, answer.Length)]}");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Description = "decide a request")]
    public async Task<int> Decide() => (await DecideAsync()).Status;

    private async Task<(int Status, string Answer)> DecideAsync()
    {
        var context = new DefaultHttpContext { RequestServices = _services, User = new ClaimsPrincipal(new ClaimsIdentity()) };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = _body.Length;
        context.Request.Body = new MemoryStream(_body, writable: false);
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        await _handler.HandleAsync(context);
        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length));
    }
}
