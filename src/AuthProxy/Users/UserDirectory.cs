using System.Collections.Frozen;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Primitives;

namespace AuthProxy.Users;

/// <summary>
/// The declared users, reloaded when their configuration or file changes. A reload with any
/// problem is refused whole and the last good users stay in force.
/// </summary>
internal sealed partial class UserDirectory : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly string _contentRoot;
    private readonly ILogger<UserDirectory> _logger;
    private readonly Lock _reloadLock = new();
    private IDisposable? _configurationWatch;
    private FileWatcher? _fileWatch;
    private string? _watchedFile;
    private volatile Snapshot _current = Snapshot.Empty;

    public UserDirectory(IConfiguration configuration, IHostEnvironment environment, ILogger<UserDirectory> logger)
    {
        _configuration = configuration;
        _contentRoot = environment.ContentRootPath;
        _logger = logger;
    }

    /// <summary>Raised after a reload that removed users, with their names.</summary>
    public event Action<IReadOnlyList<string>>? Removed;

    /// <summary>How many users are in force.</summary>
    public int Count => _current.Users.Count;

    /// <summary>The names of the users in force.</summary>
    public IEnumerable<string> Names => _current.Users.Keys;

    public bool TryFind(string name, out User user)
    {
        var found = _current.Users.TryGetValue(name, out var value);
        user = value!;
        return found;
    }

    /// <summary>A hash with the same cost as real users' hashes, verified for unknown names so both refusals take as long.</summary>
    public PasswordHash? Decoy => _current.Decoy;

    /// <summary>Loads the users at start-up; returns every problem (none means loaded) and starts watching.</summary>
    public IReadOnlyList<string> Initialize()
    {
        var problems = new List<string>();
        var users = UsersReader.Read(_configuration, _contentRoot, problems);
        if (problems.Count > 0)
        {
            return problems;
        }

        Apply(users);
        _configurationWatch = ChangeToken.OnChange(_configuration.GetReloadToken, Reload);
        WatchFile();
        return problems;
    }

    /// <summary>Reads the users again; refuses the change whole when anything is wrong.</summary>
    public void Reload()
    {
        lock (_reloadLock)
        {
            var problems = new List<string>();
            var users = UsersReader.Read(_configuration, _contentRoot, problems);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Log.ReloadProblem(_logger, problem);
                }

                Log.ReloadRefused(_logger, problems.Count, _current.Users.Count);
                return;
            }

            var before = _current.Users;
            Apply(users);
            Log.Reloaded(_logger, users.Count);

            WatchFile();
            var removed = before.Keys.Where(name => !users.ContainsKey(name)).ToList();
            if (removed.Count > 0)
            {
                Removed?.Invoke(removed);
            }
        }
    }

    private void Apply(IReadOnlyDictionary<string, User> users)
    {
        foreach (var user in users.Values)
        {
            if (user.PasswordHash is { IsBelowRecommendedStrength: true })
            {
                Log.WeakHash(_logger, user.Name);
            }
        }

        // The decoy copies the cost of a real hash so an unknown name costs what a wrong password costs.
        // The most common parameters: a wrong name then costs what a wrong password costs for most users. Users
        // whose hash differs answer at another speed, which tells their names apart; say so.
        var groups = users.Values.Where(u => u.PasswordHash is not null).GroupBy(u => u.PasswordHash!.Parameters)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var decoy = groups.FirstOrDefault()?.First().PasswordHash!.CreateDecoy();
        foreach (var odd in groups.Skip(1).SelectMany(g => g))
        {
            Log.UnusualHash(_logger, odd.Name, odd.PasswordHash!.Parameters, groups[0].Key);
        }
        _current = new Snapshot(users.ToFrozenDictionary(StringComparer.Ordinal), decoy);
    }

    private void WatchFile()
    {
        var path = UsersReader.FilePath(_configuration, _contentRoot);
        if (string.Equals(path, _watchedFile, StringComparison.Ordinal))
        {
            return;
        }

        _fileWatch?.Dispose();
        _fileWatch = path is null ? null : new FileWatcher(path, () => { Reload(); return Task.CompletedTask; });
        _watchedFile = path;
    }

    public void Dispose()
    {
        _configurationWatch?.Dispose();
        _fileWatch?.Dispose();
    }

    private sealed record Snapshot(FrozenDictionary<string, User> Users, PasswordHash? Decoy)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, User>.Empty, null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.UsersReloaded, Level = LogLevel.Information, Message = "Users reloaded: {Count} users in force")]
        public static partial void Reloaded(ILogger logger, int count);

        [LoggerMessage(EventId = LogEvents.UsersChangeProblem, Level = LogLevel.Error, Message = "Users change refused: {Problem}")]
        public static partial void ReloadProblem(ILogger logger, string problem);

        [LoggerMessage(EventId = LogEvents.UsersChangeRefused, Level = LogLevel.Error, Message = "Users change refused with {Count} problem(s); the last good {InForce} users stay in force")]
        public static partial void ReloadRefused(ILogger logger, int count, int inForce);

        [LoggerMessage(EventId = LogEvents.WeakPasswordHash, Level = LogLevel.Warning, Message = "User {User} has a password hash below OWASP's current strength; make a new one with 'hash-password'")]
        public static partial void WeakHash(ILogger logger, string user);

        [LoggerMessage(EventId = LogEvents.UnusualHashParameters, Level = LogLevel.Warning,
            Message = "User {User}'s password hash ({Parameters}) differs from most users' ({Common}): its answers take another time than an unknown name's, which tells the name apart; hash it again with 'hash-password'")]
        public static partial void UnusualHash(ILogger logger, string user, string parameters, string common);
    }
}
