namespace AuthProxy.Tests.Docs;

/// <summary>The shell blocks of the README and the samples' READMEs, and the names the tests run.</summary>
public static class DocumentedShellBlocks
{
    /// <summary>The blocks the tests in this folder run, by their marker's name.</summary>
    public static readonly string[] Tested = ["quickstart", "run-yourself", "config-verbs", "json-logs", "key-url", "user-jwts", "multi-issuer", "tigergraph", "tls-listener", "tls-backend"];

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    private static readonly Lazy<IReadOnlyList<ShellBlock>> Blocks = new(() =>
    {
        var root = Routing.RoutesFileReaderTests.FindRepositoryRoot();
        return ShellBlock.Read(root, ShellBlock.DocumentedFiles(root));
    });

    public static IReadOnlyList<ShellBlock> All => Blocks.Value;

    public static ShellBlock Named(string name) => Assert.Single(All, b => b.Name == name);

    public static Task<ShellRun> RunAsync(string name) => ShellSandbox.RunAsync(Named(name), Timeout);
}
