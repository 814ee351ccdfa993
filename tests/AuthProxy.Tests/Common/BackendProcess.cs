using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AuthProxy.Tests.Common;

/// <summary>
/// The RESTPP-like sample backend, run as its own process on a free loopback port, the way the
/// quick start runs it.
/// </summary>
public sealed partial class BackendProcess : IAsyncLifetime
{
    private Process? _process;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:1/");

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RestppBackend.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the sample backend");

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningPattern().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningPattern();
}
