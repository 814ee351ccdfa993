namespace AuthProxy.Tests.Docs;

/// <summary>How a documented shell block ran: its exit code (-1 when it timed out), everything it printed, and the ports it ran on.</summary>
public sealed record ShellRun(int ExitCode, string Output, bool TimedOut, IReadOnlyDictionary<string, string> Ports)
{
    /// <summary>Asserts the block ran to its end without an error, and printed each of <paramref name="expected"/>.</summary>
    public void AssertPrinted(params string[] expected)
    {
        Assert.False(TimedOut, "the block did not finish:\n" + Output);
        Assert.True(ExitCode == 0, $"the block exited {ExitCode}:\n{Output}");
        foreach (var text in expected)
        {
            Assert.True(Output.Contains(text, StringComparison.Ordinal), $"the block did not print {text}:\n{Output}");
        }
    }
}
