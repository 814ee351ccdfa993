using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// The server binary's command line as an operator types it, each run as its own process: help and
/// the version print and exit, a word that is no verb is an error, and a bad setting is one line.
/// None of them starts a proxy (which would never exit: the runs time out after a minute).
/// </summary>
public sealed partial class CommandLineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly string _directory = ProxyHost.CreateDirectory();

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("--routes", "routes.json", "--help")]
    public async Task Help_PrintsTheUsage_AndExits(params string[] args)
    {
        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, args);

        Assert.False(timedOut, "it started a proxy instead: " + output);
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("config validate", output, StringComparison.Ordinal);
        Assert.Contains("--routes FILE", output, StringComparison.Ordinal);
        Assert.Contains("--settings FILE", output, StringComparison.Ordinal);
        Assert.Contains("README.md, \"Configuration reference\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "data")), "nothing is written");
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public async Task Version_PrintsTheVersion_AndTheCommitItWasBuiltFrom(string arg)
    {
        var (exit, output, _, timedOut) = await ServerProcess.RunAsync(_directory, Patience, arg);

        Assert.False(timedOut, "it started a proxy instead: " + output);
        Assert.Equal(0, exit);
        var match = VersionPattern().Match(output);
        Assert.True(match.Success, output);
        var root = Routing.RoutesFileReaderTests.FindRepositoryRoot();
        if (Path.Exists(Path.Combine(root, ".git")))
        {
            // Built from a git checkout: the commit is stamped, and it is one of this repository's.
            var commit = match.Groups["commit"].Value;
            Assert.Matches("^[0-9a-f]{40}$", commit);
            Assert.Equal("commit", await GitAsync(root, "cat-file", "-t", commit));
        }
    }

    [Theory]
    [InlineData("check", "(did you mean 'config validate'?)")]
    [InlineData("valdate", "")]
    [InlineData("set", "(did you mean 'config set'?)")]
    [InlineData("serve", "")]
    public async Task AWordThatIsNoVerb_IsAnError_WithTheUsageOnStandardError(string verb, string hint)
    {
        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, verb, "--routes", "routes.json");

        Assert.False(timedOut, "it started a proxy instead: " + output);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith($"error: '{verb}' is not an AuthProxy command {hint}".TrimEnd(), error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AuthProxy:KeyFetch:RefreshInterval", "5x", "is not a duration; use hh:mm:ss (00:05:00)")]
    [InlineData("AuthProxy:KeyFetch:RefreshInterval", "300", "has no unit; write 300s, 300m, 300h or 300d")]
    [InlineData("GSQL:Token:DropLimit", "twenty", "is not a whole number")]
    [InlineData("RESTPP:Factory:EnableAuth", "yes", "is not true or false")]
    [InlineData("AuthProxy:Telemetry:Prometheus", "on", "is not true or false")]
    [InlineData("AuthProxy:KeyFetch:CircuitBreakerFailureRatio", "half", "is not a number (such as 0.5)")]
    [InlineData("AuthProxy:AccessLog:Level", "Verbose", "is not one of Trace, Debug, Information, Warning, Error, Critical, None")]
    [InlineData("Logging:LogLevel:Default", "verbose", "is not one of Trace, Debug, Information, Warning, Error, Critical, None")]
    public async Task ABadTypedValueAtStart_IsOneProblemLine_Exit2_NeverAStackTrace(string key, string value, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "routes.json"), await File.ReadAllTextAsync(Path.Combine(Routing.RoutesFileReaderTests.FindRepositoryRoot(), "routes.json")));

        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, "--urls", "http://127.0.0.1:0", "--routes", "routes.json", $"--{key}={value}");

        Assert.False(timedOut, "it started: " + output);
        Assert.Equal(2, exit);
        Assert.Contains("AuthProxy cannot start; 1 configuration problem(s):", error, StringComparison.Ordinal);
        Assert.Contains($"  - {key}: '{value}' {expected}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASettingsFileThatIsNotJson_IsAProblemLine_NotACrash()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "authproxy.settings.json"), "{ \"AuthProxy\": ");

        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, "--urls", "http://127.0.0.1:0");

        Assert.False(timedOut, "it started: " + output);
        Assert.Equal(2, exit);
        Assert.Contains($"the settings file {Path.Combine(_directory, "authproxy.settings.json")} cannot be read", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASettingsFileInAFolderThatDoesNotExist_IsAProblemLine_NotACrash()
    {
        var missing = Path.Combine(_directory, "no-such-folder", "authproxy.settings.json");

        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, "--urls", "http://127.0.0.1:0", "--settings", missing);

        Assert.False(timedOut, "it started: " + output);
        Assert.Equal(2, exit);
        Assert.Contains($"  - the settings file {missing} cannot be read: its folder does not exist", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APortInUse_IsOneLine_NotAnUnhandledException()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await File.WriteAllTextAsync(Path.Combine(_directory, "routes.json"), await File.ReadAllTextAsync(Path.Combine(Routing.RoutesFileReaderTests.FindRepositoryRoot(), "routes.json")));

        var (exit, output, error, timedOut) = await ServerProcess.RunAsync(_directory, Patience, "--urls", $"http://127.0.0.1:{port}", "--routes", "routes.json");

        Assert.False(timedOut, "it started: " + output);
        Assert.Equal(1, exit);
        Assert.Contains($"AuthProxy cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    private static async Task<string> GitAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        return output.Trim();
    }

    [GeneratedRegex(@"^AuthProxy \d+\.\d+\.\d+\S* \(commit (?<commit>[0-9a-f]{40}|unknown); \.NET \d+\.\d+\.\d+\)")]
    private static partial Regex VersionPattern();
}
