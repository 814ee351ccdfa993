using System.Diagnostics;
using Npgsql;

namespace AuthProxy.Tests.Common;

/// <summary>
/// A real PostgreSQL server of its own for the test run: Debian's <c>initdb</c> and <c>pg_ctl</c>
/// make a private cluster in a temporary folder, listening on a free loopback port (as the
/// <c>postgres</c> user when the tests run as root, since PostgreSQL refuses to run as root).
/// One cluster serves the whole run, started by the first test that needs it and stopped (and
/// removed) when the test process exits; each test takes a database of its own.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string _folder;
    private readonly string _binaries;

    private PostgresServer(string folder, string binaries, int port)
    {
        _folder = folder;
        _binaries = binaries;
        Port = port;
    }

    public int Port { get; }

    private string Data => Path.Combine(_folder, "data");

    /// <summary>The run's server, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A server of its own, for a test that stops and starts it; removed when the test process exits.</summary>
    public static Task<PostgresServer> StartPrivateAsync() => StartAsync();

    /// <summary>The connection string of <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true";

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server as an operator would for maintenance (<c>pg_ctl stop -m fast</c>): connections are cut.</summary>
    public Task StopAsync() => PgCtlAsync($"stop -D {Data} -m fast -w");

    /// <summary>Starts the stopped server again on the same port.</summary>
    public Task StartAgainAsync() => PgCtlAsync($"start -D {Data} -w -t 60 -l {Path.Combine(_folder, "server.log")} -o \"{ServerOptions()}\"");

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (binaries is null)
        {
            throw new InvalidOperationException("PostgreSQL's server binaries are not installed (apt-get install postgresql); scripts/test.sh installs them.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "authproxy-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var server = new PostgresServer(folder, binaries, ProxyHost.FreePort());
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:", folder);
        }

        await AsPostgresAsync(Path.Combine(binaries, "initdb"), $"-D {server.Data} -A trust -U postgres -E UTF8 --no-sync");
        await server.StartAgainAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Remove();
        return server;
    }

    private string ServerOptions() => $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300";

    private Task PgCtlAsync(string arguments) => AsPostgresAsync(Path.Combine(_binaries, "pg_ctl"), arguments);

    /// <summary>Runs a command line through the shell, as the <c>postgres</c> user when the tests run as root.</summary>
    private static Task AsPostgresAsync(string program, string arguments) =>
        IsRoot ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", $"{program} {arguments}") : RunAsync("/bin/sh", "-c", $"{program} {arguments}");

    private void Remove()
    {
        try
        {
            PgCtlAsync($"stop -D {Data} -m immediate -w").Wait(TimeSpan.FromSeconds(20));
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AggregateException or InvalidOperationException)
        {
            // A test run ending in trouble may leave the folder behind; it is under the temporary folder.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run " + program);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output} {await error}");
        }
    }
}
