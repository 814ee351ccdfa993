using AuthProxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.Common;

/// <summary>
/// The real AuthProxy on a loopback port, with its routes, users and settings in a private
/// folder that tests can rewrite while it runs.
/// </summary>
public sealed class ProxyHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private bool _keepDirectory;

    private ProxyHost(WebApplication app, string directory, Uri address, FakeLogCollector logs)
    {
        _app = app;
        Directory = directory;
        BaseAddress = address;
        Logs = logs;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public FakeLogCollector Logs { get; }

    public IServiceProvider Services => _app.Services;

    public string RoutesPath => Path.Combine(Directory, "routes.json");

    public string UsersPath => Path.Combine(Directory, "users.json");

    public static async Task<ProxyHost> StartAsync(string routes, string? users = null, IDictionary<string, string>? settings = null,
        TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null, string? directory = null, bool keepDirectory = false,
        bool usersOnCommandLine = true)
    {
        directory ??= CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "routes.json"), routes);
        await File.WriteAllTextAsync(Path.Combine(directory, "users.json"), users ?? TestUsers.Json());

        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--contentRoot={directory}",
            "--routes", "routes.json",
            $"--Security:JWT:HMAC:Secret={TestTokens.HmacSecret}",
        };
        if (usersOnCommandLine)
        {
            args.Add("--Users=@users.json");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        var app = await AuthProxyApp.CreateAsync([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddFakeLogging();
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyHost(app, directory, new Uri(address + "/"), app.Services.GetRequiredService<FakeLogCollector>()) { _keepDirectory = keepDirectory };
    }

    public static string CreateDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "authproxy-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>A loopback port free now, for a listener that needs a fixed port (the management listener).</summary>
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>A fake clock that starts at the real time, so tokens made with real timestamps line up.</summary>
    public static FakeTimeProvider FakeClock() => new(TimeProvider.System.GetUtcNow());

    /// <summary>Replaces a watched file the way deployment tools do: write aside, then rename over.</summary>
    public static async Task ReplaceFileAsync(string path, string content)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Polls until <paramref name="condition"/> holds (reloads are asynchronous) or fails after 15 s.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(15);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("timed out waiting until " + what);
    }

    /// <summary>Stops the server as a SIGTERM would: no new requests, requests in flight finish.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_keepDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
