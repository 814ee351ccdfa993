using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AuthProxy.Tests.Common;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package, which <c>scripts/test.sh</c> installs)
/// on a free loopback port, scraping one target every second, with its storage in a private
/// folder; queried through its HTTP API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly System.Text.StringBuilder _log = new();

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) at <c>/metrics</c> every second; returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var directory = ProxyHost.CreateDirectory();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: authproxy
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target}"]
            """);
        var port = ProxyHost.FreePort();
        var start = new ProcessStartInfo("prometheus")
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException(
                "prometheus is not installed: run scripts/test.sh as root (it installs Debian's prometheus package), or apt-get install -y --no-install-recommends prometheus");
        }

        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.UntilAsync(async () =>
        {
            try
            {
                using var ready = await server.Client.GetAsync("-/ready");
                return ready.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "Prometheus is ready");
        return server;
    }

    /// <summary>Evaluates <paramref name="query"/> now: the status (<c>success</c> or <c>error</c>), the error, and the samples' values by series.</summary>
    public async Task<(string Status, string? Error, IReadOnlyList<(JsonElement Metric, string Value)> Samples)> QueryAsync(string query)
    {
        using var response = await Client.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(query));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var status = root.GetProperty("status").GetString()!;
        if (status != "success")
        {
            return (status, root.TryGetProperty("error", out var error) ? error.GetString() : null, []);
        }

        var data = root.GetProperty("data");
        var samples = new List<(JsonElement, string)>();
        if (data.GetProperty("resultType").GetString() == "vector")
        {
            foreach (var series in data.GetProperty("result").EnumerateArray())
            {
                samples.Add((series.GetProperty("metric").Clone(), series.GetProperty("value")[1].GetString()!));
            }
        }
        else if (data.GetProperty("resultType").GetString() == "scalar")
        {
            samples.Add((default, data.GetProperty("result")[1].GetString()!));
        }

        return (status, null, samples);
    }

    /// <summary>Waits until a scrape of the target has completed after <paramref name="after"/> (Unix seconds).</summary>
    public Task ScrapedAfterAsync(double after) => UntilAsync(async () =>
    {
        var (_, _, samples) = await QueryAsync("timestamp(up{job=\"authproxy\"} == 1)");
        return samples.Count > 0 && double.Parse(samples[0].Value, CultureInfo.InvariantCulture) > after;
    }, $"Prometheus scrapes AuthProxy after {after}");

    private async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"Prometheus exited ({_process.ExitCode}): {Log}");
            }

            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"timed out waiting until {what}; Prometheus said: {Log}");
    }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
