using AuthProxy.Configuration;
using AuthProxy.Telemetry;

namespace AuthProxy.Keys;

/// <summary>
/// Keys served at a URL (PEM, a JWKS, or a secret). Cached in memory as an immutable
/// <see cref="KeySet"/>; refreshed in the background and, single-flight and rate-limited, when a
/// token names an unknown <c>kid</c>. A failed, empty or unparseable fetch never replaces good
/// keys: they stay in force for the grace period, then tokens are refused.
/// </summary>
internal partial class UrlKeySource : KeySource
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly string _shownUrl;
    private volatile KeySet _current = KeySet.Empty;
    private Task<bool>? _inflight;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastKidRefresh = DateTimeOffset.MinValue;
    private DateTimeOffset? _failingSince;
    private string? _lastCause;

    public UrlKeySource(string description, Uri url, string client, KeyRules rules, KeyFetcher fetcher,
        KeyFetchOptions options, TimeProvider time, AuthProxyMetrics metrics, ILogger logger)
    {
        Description = description;
        Url = url;
        _shownUrl = UrlRedaction.Redact(url);
        Client = client;
        Rules = rules;
        Fetcher = fetcher;
        Options = options;
        Time = time;
        Metrics = metrics;
        _logger = logger;
    }

    public override string Description { get; }

    /// <summary>The URL keys are fetched from (for discovery: the issuer's configuration document). Shown only through <see cref="UrlRedaction"/>: it may carry credentials.</summary>
    public Uri Url { get; }

    protected string Client { get; }

    protected KeyRules Rules { get; }

    protected KeyFetcher Fetcher { get; }

    protected KeyFetchOptions Options { get; }

    protected TimeProvider Time { get; }

    protected AuthProxyMetrics Metrics { get; }

    public override KeySet Current => _current;

    public override bool IsLoaded => !_current.IsEmpty;

    public override bool IsUsable
    {
        get
        {
            if (_current.IsEmpty)
            {
                return false;
            }

            lock (_gate)
            {
                return _failingSince is not { } since || Time.GetUtcNow() - since < Options.GracePeriod;
            }
        }
    }

    /// <summary>The cause of the last failed fetch, or null after a success.</summary>
    public string? LastError { get; private set; }

    public override string? Problem => LastError;

    /// <summary>Checks the URL, then waits (up to <see cref="KeyFetchOptions.InitialLoadTimeout"/>) for the first load. A provider that is down does not stop the start: the source stays not ready and keeps trying.</summary>
    public override async Task<IReadOnlyList<string>> InitializeAsync(CancellationToken cancellationToken)
    {
        var first = RefreshAsync("start-up");
        try
        {
            await first.WaitAsync(Options.InitialLoadTimeout, Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Log.StillLoading(_logger, Description);
        }

        return [];
    }

    /// <summary>Whether a background refresh is due: every refresh interval once loaded, every minimum interval until then.</summary>
    public bool IsRefreshDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            var interval = _current.IsEmpty ? Options.MinimumRefreshInterval : Options.RefreshInterval;
            return now - _lastAttempt >= interval;
        }
    }

    public override async ValueTask<bool> RefreshForUnknownKidAsync(CancellationToken cancellationToken)
    {
        Task<bool> refresh;
        lock (_gate)
        {
            if (_inflight is { IsCompleted: false } running)
            {
                refresh = running;
            }
            else if (Time.GetUtcNow() - _lastKidRefresh < Options.MinimumRefreshInterval)
            {
                return false; // rate-limited: a flood of unknown kids costs at most one fetch per interval
            }
            else
            {
                _lastKidRefresh = Time.GetUtcNow();
                refresh = StartRefresh("unknown kid");
            }
        }

        return await refresh.WaitAsync(cancellationToken);
    }

    /// <summary>Fetches now, or joins the fetch already running. True when new keys came into force.</summary>
    public Task<bool> RefreshAsync(string trigger)
    {
        lock (_gate)
        {
            return _inflight is { IsCompleted: false } running ? running : StartRefresh(trigger);
        }
    }

    private Task<bool> StartRefresh(string trigger)
    {
        _lastAttempt = Time.GetUtcNow();
        _inflight = RunRefreshAsync(trigger);
        return _inflight;
    }

    private async Task<bool> RunRefreshAsync(string trigger)
    {
        await Task.Yield(); // never run the fetch under the caller's lock
        using var activity = AuthProxyTelemetry.Source.StartActivity(AuthProxyTelemetry.KeyFetchSpan);
        activity?.SetTag(AuthProxyTelemetry.SourceTag, Description);
        FetchResult result;
        try
        {
            result = await FetchContentAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }

        IReadOnlyList<TrustedKey> keys = [];
        if (result.Succeeded)
        {
            var problems = new List<string>();
            keys = KeyMaterial.Parse(result.Body!, Description, Rules, problems);
            if (keys.Count == 0)
            {
                var empty = problems.Count == 1 && problems[0].EndsWith(KeyMaterial.NoUsableKey, StringComparison.Ordinal);
                result = FetchResult.Fail(empty ? FetchOutcome.Empty : FetchOutcome.Parse, string.Join("; ", problems));
            }
            else if (problems.Count > 0)
            {
                Log.KeysSkipped(_logger, Description, string.Join("; ", problems));
            }
        }

        if (result.Outcome == FetchOutcome.CircuitOpen && _lastCause is { } cause)
        {
            // The open circuit is a consequence: say what it is open for.
            result = FetchResult.Fail(FetchOutcome.CircuitOpen, $"{result.Cause}; the last failure: {cause}");
        }
        else if (!result.Succeeded)
        {
            _lastCause = result.Cause;
        }

        Metrics.KeyFetched(Description, FetchOutcomes.Tag(result.Outcome));
        activity?.SetTag(AuthProxyTelemetry.OutcomeTag, FetchOutcomes.Tag(result.Outcome));
        if (!result.Succeeded)
        {
            activity?.SetTag(AuthProxyTelemetry.CauseTag, result.Cause);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, result.Cause);
            lock (_gate)
            {
                _failingSince ??= Time.GetUtcNow();
            }

            LastError = result.Cause;
            Log.FetchFailed(_logger, Description, _shownUrl, FetchOutcomes.Tag(result.Outcome), result.Cause ?? string.Empty, trigger,
                _current.IsEmpty ? "no keys are in force" : "the last good keys stay in force");
            return false;
        }

        var previous = _current;
        _current = new KeySet([.. keys], Time.GetUtcNow());
        lock (_gate)
        {
            _failingSince = null;
        }

        LastError = null;
        var kids = string.Join(",", keys.Select(k => k.Kid ?? "-"));
        Log.Fetched(_logger, Description, keys.Count, kids, trigger);
        return !SameKeys(previous, _current);
    }

    /// <summary>Gets the key document. Discovery overrides this to find the JWKS first.</summary>
    protected virtual Task<FetchResult> FetchContentAsync(CancellationToken cancellationToken) =>
        Fetcher.FetchAsync(Client, Url, cancellationToken);

    private static bool SameKeys(KeySet a, KeySet b) =>
        a.Keys.Length == b.Keys.Length && a.Keys.Zip(b.Keys).All(p => p.First.Kid == p.Second.Kid && p.First.Algorithms.SetEquals(p.Second.Algorithms));

    public override void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.KeysFetched, Level = LogLevel.Information, Message = "Keys fetched for {Source}: {Count} key(s), kids [{Kids}] (trigger: {Trigger})")]
        public static partial void Fetched(ILogger logger, string source, int count, string kids, string trigger);

        [LoggerMessage(EventId = LogEvents.KeyFetchFailed, Level = LogLevel.Warning, Message = "Key fetch for {Source} from {Url} failed ({Outcome}): {Cause} (trigger: {Trigger}); {State}")]
        public static partial void FetchFailed(ILogger logger, string source, string url, string outcome, string cause, string trigger, string state);

        [LoggerMessage(EventId = LogEvents.KeysSkipped, Level = LogLevel.Warning, Message = "Some keys from {Source} were skipped: {Problems}")]
        public static partial void KeysSkipped(ILogger logger, string source, string problems);

        [LoggerMessage(EventId = LogEvents.KeysStillLoading, Level = LogLevel.Warning, Message = "Keys for {Source} are not loaded yet; starting anyway (not ready) and retrying in the background")]
        public static partial void StillLoading(ILogger logger, string source);
    }
}
