using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Graceful shutdown, and the published application as the container image runs it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class LifecycleTests(BackendProcess backend)
{
    private static string Root => Routing.RoutesFileReaderTests.FindRepositoryRoot();

    [Fact]
    public async Task Shutdown_LetsRequestsInFlightFinish()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress,
            extraRoutes: ",\n\"sleep\": { \"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"anonymous\", \"Match\": { \"Path\": \"/restpp/sleep/{ms}\" } }");
        await using var proxy = await ProxyHost.StartAsync(routes);

        var inFlight = proxy.Client.GetAsync("/restpp/sleep/1500");
        await Task.Delay(300);
        var stopping = proxy.StopAsync();

        using var response = await inFlight;
        await stopping;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slept", (await response.JsonAsync()).GetProperty("message").GetString());
        await Assert.ThrowsAsync<HttpRequestException>(() => proxy.Client.GetAsync("/restpp/echo/x"));
    }

    [Fact]
    public async Task ShutdownTimeout_IsHowLongTheHostWaits()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:ShutdownTimeout"] = "00:00:07" });

        Assert.Equal(TimeSpan.FromSeconds(7), proxy.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task ThePublishedApp_Starts_AndAnswersHealthz_AndTheHealthcheckVerb()
    {
        var output = Path.Combine(ProxyHost.CreateDirectory(), "publish");
        var (publishExit, publishLog) = await RunAsync("dotnet", ["publish", Path.Combine(Root, "src", "AuthProxy", "AuthProxy.csproj"), "-c", "Release", "-o", output, "--nologo"],
            Root, TimeSpan.FromMinutes(5));
        Assert.True(publishExit == 0, publishLog);
        Assert.True(File.Exists(Path.Combine(output, "AuthProxy.dll")));

        var work = ProxyHost.CreateDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(output, "AuthProxy.dll"), "--urls", "http://127.0.0.1:0", "--routes", Path.Combine(Root, "routes.json"), $"--Users=@{Path.Combine(Root, "samples", "users.json")}" },
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && ListeningPattern().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(match.Groups[1].Value);
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

            using var http = new HttpClient();
            using var health = await http.GetAsync(new Uri(address + "/healthz"));
            using var ready = await http.GetAsync(new Uri(address + "/readyz"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            var (checkExit, checkLog) = await RunAsync("dotnet", [Path.Combine(output, "AuthProxy.dll"), "healthcheck", "--url", address + "/healthz"], work, TimeSpan.FromMinutes(1));
            Assert.True(checkExit == 0, checkLog);
            var (downExit, _) = await RunAsync("dotnet", [Path.Combine(output, "AuthProxy.dll"), "healthcheck", "--url", "http://127.0.0.1:1/healthz"], work, TimeSpan.FromMinutes(1));
            Assert.Equal(1, downExit);
            Assert.True(File.Exists(Path.Combine(work, "data", "authproxy.db")), "the store lives under the working directory's data folder");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<(int Exit, string Log)> RunAsync(string file, string[] args, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningPattern();
}
