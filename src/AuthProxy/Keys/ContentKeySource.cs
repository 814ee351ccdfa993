using AuthProxy.Configuration;
using AuthProxy.Telemetry;

namespace AuthProxy.Keys;

/// <summary>
/// Keys given inline or as <c>@path</c>. A file is watched: when it changes the keys are read
/// again, and a bad edit is refused while the last good keys stay in force.
/// </summary>
internal sealed partial class ContentKeySource : KeySource
{
    private readonly ValueReference _reference;
    private readonly Func<string, string, List<string>, IReadOnlyList<TrustedKey>> _parse;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private FileWatcher? _watcher;
    private volatile KeySet _current = KeySet.Empty;
    private volatile string? _problem;

    /// <param name="reference">An inline or file value.</param>
    /// <param name="description">How the source is named, for example <c>Security:JWT:RSA:PublicKey (file /etc/keys/jwt.pem)</c>.</param>
    /// <param name="parse">Turns (content, description, problems) into keys.</param>
    public ContentKeySource(ValueReference reference, string description,
        Func<string, string, List<string>, IReadOnlyList<TrustedKey>> parse, TimeProvider time, ILogger logger)
    {
        if (reference.Kind == ValueReferenceKind.Url)
        {
            throw new ArgumentException("URL values are served by the URL key source.", nameof(reference));
        }

        _reference = reference;
        Description = description;
        _parse = parse;
        _time = time;
        _logger = logger;
    }

    public override string Description { get; }

    public override KeySet Current => _current;

    public override bool IsLoaded => !_current.IsEmpty;

    public override string? Problem => _problem;

    public override Task<IReadOnlyList<string>> InitializeAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (Load(problems) is { } keys)
        {
            _current = keys;
            var kids = string.Join(",", keys.Keys.Select(k => k.Kid ?? "-"));
            Log.Loaded(_logger, Description, keys.Keys.Length, kids);
            if (_reference.Kind == ValueReferenceKind.File)
            {
                _watcher = new FileWatcher(_reference.Value, Reload);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(problems);
    }

    private KeySet? Load(List<string> problems)
    {
        string content;
        if (_reference.Kind == ValueReferenceKind.File)
        {
            try
            {
                content = File.ReadAllText(_reference.Value).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{Description}: the file cannot be read ({ex.GetType().Name}: {ex.Message})");
                return null;
            }
        }
        else
        {
            content = _reference.Value;
        }

        var before = problems.Count;
        var keys = _parse(content, Description, problems);
        if (problems.Count > before || keys.Count == 0)
        {
            return null;
        }

        return new KeySet([.. keys], _time.GetUtcNow());
    }

    private Task Reload()
    {
        var problems = new List<string>();
        if (Load(problems) is { } keys)
        {
            _current = keys;
            _problem = null;
            Log.Reloaded(_logger, Description, keys.Keys.Length);
        }
        else
        {
            _problem = problems.Count > 0 ? string.Join("; ", problems) : $"{Description}: holds no usable key";
            foreach (var problem in problems)
            {
                Log.ReloadRefused(_logger, problem);
            }
        }

        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.KeysLoaded, Level = LogLevel.Information, Message = "Keys loaded for {Source}: {Count} key(s), kids [{Kids}]")]
        public static partial void Loaded(ILogger logger, string source, int count, string kids);

        [LoggerMessage(EventId = LogEvents.KeyFileReloaded, Level = LogLevel.Information, Message = "Keys reloaded from {Source}: {Count} key(s) in force")]
        public static partial void Reloaded(ILogger logger, string source, int count);

        [LoggerMessage(EventId = LogEvents.KeyFileChangeRefused, Level = LogLevel.Error, Message = "Key file change refused, the last good keys stay in force: {Problem}")]
        public static partial void ReloadRefused(ILogger logger, string problem);
    }
}
