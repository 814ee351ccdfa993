using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Routing;

/// <summary>
/// Loads the routes file at start-up and again whenever it changes. A change with any problem is
/// refused whole, every problem is logged, and the routes in force stay in force.
/// </summary>
internal sealed partial class RoutesFileLoader : IDisposable
{
    private readonly ActiveRoutes _active;
    private readonly RoutesFileReader _reader;
    private readonly bool _enableAuth;
    private readonly ILogger<RoutesFileLoader> _logger;
    private FileWatcher? _watcher;

    public RoutesFileLoader(ActiveRoutes active, IConfigValidator yarpValidator, IOptions<AuthProxyOptions> options,
        IOptions<EnforcementOptions> enforcement, IHostEnvironment environment, ILogger<RoutesFileLoader> logger)
    {
        _active = active;
        _reader = new RoutesFileReader(yarpValidator);
        _enableAuth = enforcement.Value.EnableAuth;
        _logger = logger;
        FilePath = Path.GetFullPath(options.Value.RoutesFile, environment.ContentRootPath);
    }

    /// <summary>The routes file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Loads the file once; returns every problem (none means the routes are in force) and starts watching.</summary>
    public async Task<IReadOnlyList<string>> InitializeAsync()
    {
        var (snapshot, problems) = await ReadAsync();
        if (snapshot is null)
        {
            return problems.Select(p => $"routes file {FilePath}: {p}").ToList();
        }

        _active.Swap(snapshot);
        Log.Loaded(_logger, FilePath, snapshot.Routes.Count, snapshot.Clusters.Count, snapshot.Policies.Count, snapshot.RevisionId);
        _watcher = new FileWatcher(FilePath, ReloadAsync);
        return [];
    }

    /// <summary>Reads the file again and swaps the routes in when it is valid.</summary>
    public async Task ReloadAsync()
    {
        var (snapshot, problems) = await ReadAsync();
        if (snapshot is null)
        {
            foreach (var problem in problems)
            {
                Log.ReloadProblem(_logger, FilePath, problem);
            }

            Log.ReloadRefused(_logger, FilePath, problems.Count, _active.Current.RevisionId);
            return;
        }

        if (string.Equals(snapshot.RevisionId, _active.Current.RevisionId, StringComparison.Ordinal))
        {
            return;
        }

        _active.Swap(snapshot);
        Log.Reloaded(_logger, FilePath, snapshot.Routes.Count, snapshot.Clusters.Count, snapshot.Policies.Count, snapshot.RevisionId);
    }

    private async Task<(RoutesSnapshot? Snapshot, List<string> Problems)> ReadAsync()
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(FilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var problem = ex is FileNotFoundException or DirectoryNotFoundException
                ? "the file does not exist (set AuthProxy:RoutesFile or pass --routes FILE)"
                : $"the file cannot be read: {ex.Message}";
            return (null, [problem]);
        }

        return await _reader.ReadAsync(content, _enableAuth);
    }

    public void Dispose() => _watcher?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RoutesLoaded, Level = LogLevel.Information, Message = "Routes loaded from {File}: {Routes} routes, {Clusters} clusters, {Policies} policies (revision {Revision})")]
        public static partial void Loaded(ILogger logger, string file, int routes, int clusters, int policies, string revision);

        [LoggerMessage(EventId = LogEvents.RoutesReloaded, Level = LogLevel.Information, Message = "Routes reloaded from {File}: {Routes} routes, {Clusters} clusters, {Policies} policies (revision {Revision})")]
        public static partial void Reloaded(ILogger logger, string file, int routes, int clusters, int policies, string revision);

        [LoggerMessage(EventId = LogEvents.RoutesChangeProblem, Level = LogLevel.Error, Message = "Routes change in {File} refused: {Problem}")]
        public static partial void ReloadProblem(ILogger logger, string file, string problem);

        [LoggerMessage(EventId = LogEvents.RoutesChangeRefused, Level = LogLevel.Error, Message = "Routes change in {File} refused with {Count} problem(s); revision {Revision} stays in force")]
        public static partial void ReloadRefused(ILogger logger, string file, int count, string revision);
    }
}
