using System.Collections.Concurrent;
using System.Diagnostics;

namespace AuthProxy.Tests.Common;

/// <summary>
/// AuthProxy as its own process (<c>dotnet AuthProxy.dll</c>), as an operator runs a replica: on a
/// fixed loopback port, so it can be killed (SIGKILL) and started again at the same address.
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private ProxyProcess(string directory, int port, IReadOnlyList<string> arguments)
    {
        _directory = directory;
        _arguments = arguments;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The running process's id, for what <c>/proc</c> tells about it.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not started");

    /// <summary>What the process wrote, for a failing test's message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts a replica reading routes and users from <paramref name="directory"/>, with <paramref name="settings"/>; ready when <c>/healthz</c> answers.</summary>
    public static async Task<ProxyProcess> StartAsync(string directory, IDictionary<string, string> settings)
    {
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "AuthProxy.dll"),
            $"--contentRoot={directory}",
            "--routes", Path.Combine(directory, "routes.json"),
            $"--Users=@{Path.Combine(directory, "users.json")}",
            $"--Security:JWT:HMAC:Secret={TestTokens.HmacSecret}",
        };
        arguments.AddRange(settings.Select(s => $"--{s.Key}={s.Value}"));
        var port = ProxyHost.FreePort();
        arguments.Add($"--urls=http://127.0.0.1:{port}");
        var replica = new ProxyProcess(directory, port, arguments);
        await replica.StartAgainAsync();
        return replica;
    }

    /// <summary>Starts the process (again, after <see cref="Kill"/>) and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start AuthProxy");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (_process.HasExited)
            {
                // Without a timeout, WaitForExit also waits for the redirected output to be read to its end.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"AuthProxy exited {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var health = await Client.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("AuthProxy did not start in time:\n" + Output);
    }

    /// <summary>Kills the process at once (SIGKILL): nothing is flushed, no shutdown runs.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit(10_000);
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            Kill();
        }

        _process?.Dispose();
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is not null && _output.Count < 2000)
        {
            _output.Enqueue(line);
        }
    }
}
