using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuthProxy.Tests.Docs;

/// <summary>The README's shell blocks, run as written (see <see cref="ShellSandbox"/>), and what a reader sees them print.</summary>
public sealed partial class ReadmeShellTests
{
    [Fact]
    public async Task QuickStart_ShowsEachAnswer_AndPointsAtALogThatIsThere()
    {
        var run = await DocumentedShellBlocks.RunAsync("quickstart");

        run.AssertPrinted("[HTTP 200]", "[HTTP 401]", "[HTTP 403]", "REST-10016", "\"status\":403",
            "allowed none route=restpp-query user=kevin scheme=Bearer graph=social");
        var log = LogPathPattern().Match(run.Output);
        Assert.True(log.Success, run.Output);
        try
        {
            Assert.True(File.Exists(log.Groups[1].Value), $"the quick start points at {log.Groups[1].Value}, which is not there");
            Assert.Contains("AuthProxy.Access", await File.ReadAllTextAsync(log.Groups[1].Value), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(log.Groups[1].Value)!, recursive: true);
        }
    }

    [Fact]
    public async Task TheHttpsListener_AnswersOverHttp2_AndServesANewCertificateOnceItsFileChanges()
    {
        var run = await DocumentedShellBlocks.RunAsync("tls-listener");

        run.AssertPrinted("\"status\":\"Healthy\"");
        Assert.Matches(new Regex("^2$", RegexOptions.Multiline), run.Output);
        var serials = Regex.Matches(run.Output, "^serial=([0-9A-F]+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(serials.Count == 2, run.Output);
        Assert.NotEqual(serials[0], serials[1]);
    }

    [Fact]
    public async Task ABackendRequiringAClientCertificate_SeesAuthProxysCertificate()
    {
        var run = await DocumentedShellBlocks.RunAsync("tls-backend");

        Assert.Matches(new Regex("CN ?= ?authproxy"), run.Output);
    }

    [Fact]
    public async Task RunningTheProxyYourself_AnswersWithBasic_AndWithAToken()
    {
        var run = await DocumentedShellBlocks.RunAsync("run-yourself");

        run.AssertPrinted("\"message\":\"query friends on graph social\"");
        Assert.Equal(2, Regex.Count(run.Output, "\"error\":false"));
    }

    [Fact]
    public async Task TheConfigVerbs_SetInEitherOrder_Validate_AndRefuseABareNumber()
    {
        var run = await DocumentedShellBlocks.RunAsync("config-verbs");

        run.AssertPrinted("Users set in", "AuthProxy.KeyFetch.RefreshInterval: 10m", "The configuration is valid",
            "AuthProxy:KeyFetch:RefreshInterval: '10' has no unit", "refused, exit code 2");
    }

    [Fact]
    public async Task TheJsonConsoleFormat_PrintsTheAccessLine_AsDocumented()
    {
        var run = await DocumentedShellBlocks.RunAsync("json-logs");

        run.AssertPrinted("\"EventId\":20,");
        var line = run.Output.Split('\n').Single(l => l.StartsWith("{\"EventId\":20,", StringComparison.Ordinal));
        var entry = JsonDocument.Parse(line).RootElement;
        Assert.Equal("AuthProxy.Access", entry.GetProperty("Category").GetString());
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        var state = entry.GetProperty("State");
        Assert.Equal("GET", state.GetProperty("Method").GetString());
        Assert.Equal("/restpp/query/finance/accounts", state.GetProperty("Path").GetString()); // without its query
        Assert.Equal(403, state.GetProperty("Status").GetInt32());
        Assert.Equal("refused", state.GetProperty("Result").GetString());
        Assert.Equal("graph-scope", state.GetProperty("Reason").GetString());
        Assert.Equal("restpp-query", state.GetProperty("Route").GetString());
        Assert.Equal("kevin", state.GetProperty("User").GetString());
        Assert.Equal("Basic", state.GetProperty("Scheme").GetString());
        Assert.Equal("finance", state.GetProperty("Graph").GetString());
        Assert.Equal("127.0.0.1", state.GetProperty("ClientAddress").GetString());
        Assert.True(state.GetProperty("DurationMs").GetDouble() > 0);
        Assert.Matches("^[0-9a-f]{32}$", state.GetProperty("TraceId").GetString());
        Assert.Equal("Access Denied because user kevin has no access to graph finance", state.GetProperty("Detail").GetString());
        Assert.DoesNotContain("limit=5", line, StringComparison.Ordinal);
        Assert.DoesNotContain("kevin-demo", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"== proxy log: (\S+)")]
    private static partial Regex LogPathPattern();
}
