namespace AuthProxy.Tls;

/// <summary>
/// Certificate material (a CA bundle, a certificate and its key) read from files and read again
/// when they change, with no restart: the new version replaces the old one whole for the next
/// handshake, and connections already open keep theirs. A version that cannot be loaded (a
/// certificate written before its key, a half-written file) leaves the last good one in force;
/// it is retried at the next check and reported once it has stayed unloadable for a check.
/// </summary>
internal sealed class ReloadingFiles<T> : IReloadingFiles
    where T : class
{
    private readonly string[] _paths;
    private readonly Func<List<string>, T?> _load;
    private volatile T? _current;
    private string _loadedStamp;
    private string? _failedStamp;
    private bool _failureSeenOnce;

    /// <summary>Loads the files once; their problems, when they cannot be loaded, go to <paramref name="problems"/>.</summary>
    public ReloadingFiles(string description, IEnumerable<string> paths, Func<List<string>, T?> load, List<string> problems)
    {
        Description = description;
        _paths = [.. paths];
        _load = load;
        _loadedStamp = FileStamp.Of(_paths);
        _current = load(problems);
        if (_current is null)
        {
            _failedStamp = _loadedStamp;
            _failureSeenOnce = true;
        }
    }

    public string Description { get; }

    /// <summary>The version in force; null only when the files have never loaded (handshakes then fail closed).</summary>
    public T? Current => _current;

    public ReloadResult Check()
    {
        var stamp = FileStamp.Of(_paths);
        if (string.Equals(stamp, _loadedStamp, StringComparison.Ordinal))
        {
            _failedStamp = null;
            return ReloadResult.Unchanged;
        }

        if (string.Equals(stamp, _failedStamp, StringComparison.Ordinal) && _failureSeenOnce)
        {
            return ReloadResult.Unchanged;
        }

        var problems = new List<string>();
        if (_load(problems) is { } loaded)
        {
            _current = loaded;
            _loadedStamp = stamp;
            _failedStamp = null;
            return ReloadResult.Reloaded;
        }

        // A pair caught between its two writes fails once and loads at the next check: report a
        // failure only when the same files fail twice.
        var seenBefore = string.Equals(stamp, _failedStamp, StringComparison.Ordinal);
        _failedStamp = stamp;
        _failureSeenOnce = seenBefore;
        return seenBefore ? new ReloadResult(ReloadResultKind.Refused, problems) : ReloadResult.Unchanged;
    }
}
