using System.Diagnostics;

namespace AuthProxy.Tests.Common;

/// <summary>The server binary (the AuthProxy.dll this test run built) run as its own process, as an operator runs it.</summary>
public static class ServerProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "AuthProxy.dll");

    /// <summary>
    /// Runs <c>dotnet AuthProxy.dll ARGS</c> in <paramref name="directory"/> until it exits or
    /// <paramref name="timeout"/> passes (then it is killed: a start that listens never exits).
    /// </summary>
    public static async Task<(int Exit, string Output, string Error, bool TimedOut)> RunAsync(string directory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "AUTHPROXY_SETTINGS", "SSL_CA_CERT" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
            return (process.ExitCode, await output, await error, false);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output, await error, true);
        }
    }
}
