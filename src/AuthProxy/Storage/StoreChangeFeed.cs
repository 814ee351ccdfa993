using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using AuthProxy.Tokens;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace AuthProxy.Storage;

/// <summary>
/// Keeps this instance's memory (revocations, block lists, signing keys) in step with a shared
/// store: it listens for the store's notifications (<c>LISTEN</c>) and, on each one and at least
/// every <see cref="StoreOptions.PollInterval"/>, applies the change log from the last sequence it
/// applied, so a lost notification or a dropped connection delays a change by one poll at most and
/// never loses it. While the store does not answer, decisions go on from memory; reconnection
/// backs off (a Polly retry pipeline) and catches up by sequence, or reloads everything when the
/// log no longer reaches back that far. It also beats this instance's heartbeat, from which every
/// instance knows how many share the store. The embedded engine serves one instance: nothing to follow.
/// </summary>
internal sealed partial class StoreChangeFeed : BackgroundService
{
    /// <summary>How many writes one read of the change log takes at most.</summary>
    private const int BatchWrites = 1000;

    private readonly IAuthProxyStore _store;
    private readonly RevocationList _revocations;
    private readonly SigningKeyRing _ring;
    private readonly StoreStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<StoreChangeFeed> _logger;
    private readonly TimeSpan _poll;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly AuthProxyMetrics _metrics;
    private DateTimeOffset _nextHeartbeat = DateTimeOffset.MinValue;

    public StoreChangeFeed(IAuthProxyStore store, RevocationList revocations, SigningKeyRing ring, StoreStatus status, IOptions<StoreOptions> options,
        TimeProvider time, AuthProxyMetrics metrics, ILogger<StoreChangeFeed> logger)
    {
        _store = store;
        _revocations = revocations;
        _ring = ring;
        _status = status;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _poll = options.Value.PollInterval;
        metrics.ObserveStore(() => (_status.Available, _status.Instances));
    }

    /// <summary>How long a heartbeat counts an instance as live.</summary>
    public TimeSpan HeartbeatLifetime => 5 * Heartbeat;

    private TimeSpan Heartbeat => _poll < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : _poll;

    /// <summary>
    /// Notes the newest change before this instance loads from the store at start: whatever is
    /// committed after that point is applied from the log, so nothing slips between the load and the feed.
    /// </summary>
    public async Task MarkStartAsync(CancellationToken cancellationToken) =>
        _status.MarkApplied(await _store.LastChangeAsync(cancellationToken));

    // The embedded engine has nothing to follow. Npgsql's types are named only in the methods below,
    // so an instance on SQLite never loads that assembly.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _store is PostgresStore store ? FollowStoreAsync(store, stoppingToken) : Task.CompletedTask;

    /// <summary>Reconnection to the shared store: backs off, never gives up, and reports each failure as an outage.</summary>
    private ResiliencePipeline Reconnection() =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<StoreUnavailableException>().Handle<NpgsqlException>(PostgresStore.IsTransient),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    Unavailable(args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private async Task FollowStoreAsync(PostgresStore store, CancellationToken stoppingToken)
    {
        var reconnect = Reconnection();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await reconnect.ExecuteAsync(ConnectAsync, (store, stoppingToken), stoppingToken);
                await FollowAsync(listener, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is StoreUnavailableException || (ex is NpgsqlException npgsql && PostgresStore.IsTransient(npgsql)))
            {
                Unavailable(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.FeedFailed(_logger, ex);
                Unavailable(ex);
                await Task.Delay(Heartbeat, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            await store.LeaveAsync(_instance, timeout.Token);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or OperationCanceledException)
        {
            // Its heartbeat ages out instead.
        }
    }

    /// <summary>Reads the change log from the last applied sequence and applies it (or reloads everything when it no longer reaches back).</summary>
    internal async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = _status.Applied;
            var batch = await _store.ReadChangesAsync(from, BatchWrites, cancellationToken);
            if (!batch.Complete)
            {
                await ReloadAsync(cancellationToken);
                continue;
            }

            if (batch.Last <= from)
            {
                return;
            }

            Apply(batch.Changes, out var keysChanged);
            if (keysChanged)
            {
                await _ring.ReloadAsync(cancellationToken);
            }

            _status.MarkApplied(batch.Last);
        }
    }

    private async ValueTask<NpgsqlConnection> ConnectAsync((PostgresStore Store, CancellationToken Stopping) state, CancellationToken cancellationToken)
    {
        if (!_status.Available)
        {
            state.Store.ClearPool(); // connections from before the outage are dead
        }

        var listener = await state.Store.OpenListenerAsync(cancellationToken);
        try
        {
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresStore.ChannelName};", listener))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }

            // Listening first, then reading: a change committed in between is both notified and read.
            await CatchUpAsync(cancellationToken);
            await BeatAsync(state.Store, cancellationToken);
            if (_status.MarkAvailable())
            {
                Log.Recovered(_logger, _status.Applied);
            }

            return listener;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    private async Task FollowAsync(NpgsqlConnection listener, CancellationToken stoppingToken)
    {
        var store = (PostgresStore)_store;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Returns at the first notification, or when the poll interval has passed without one.
            await listener.WaitAsync(_poll, stoppingToken);
            await CatchUpAsync(stoppingToken);
            await BeatAsync(store, stoppingToken);
        }
    }

    private async Task BeatAsync(PostgresStore store, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextHeartbeat)
        {
            return;
        }

        _nextHeartbeat = now + Heartbeat;
        var (count, rank) = await store.HeartbeatAsync(_instance, now, HeartbeatLifetime, cancellationToken);
        _status.SetInstances(count, rank);
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var mark = await _store.LastChangeAsync(cancellationToken);
        await _revocations.ReloadAsync(_store, _time.GetUtcNow(), cancellationToken);
        await _ring.ReloadAsync(cancellationToken);
        _status.MarkApplied(mark);
        Log.Reloaded(_logger, mark);
    }

    private void Apply(IReadOnlyList<StoreChange> changes, out bool keysChanged)
    {
        keysChanged = false;
        var now = _time.GetUtcNow();
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case StoreChangeKind.Revoke:
                    _revocations.Revoke(change.Key, change.ExpiresAt);
                    break;
                case StoreChangeKind.Block:
                    _revocations.Block(new BlockedToken(change.User ?? string.Empty, change.Key, change.ExpiresAt ?? DateTimeOffset.MaxValue));
                    break;
                case StoreChangeKind.Unblock:
                    _revocations.Unblock([new BlockedToken(change.User ?? string.Empty, change.Key, change.ExpiresAt ?? DateTimeOffset.MaxValue)]);
                    break;
                case StoreChangeKind.SigningKeys:
                    keysChanged = true;
                    break;
            }

            if (change.CommittedAt is { } committed)
            {
                _metrics.StoreChangeApplied(change.Kind.ToString().ToLowerInvariant(), now - committed);
            }
        }
    }

    private void Unavailable(Exception? exception)
    {
        var cause = exception switch
        {
            StoreUnavailableException { InnerException: { } inner } => inner.Message,
            null => "unknown",
            _ => exception.Message,
        };
        if (_status.MarkUnavailable(cause))
        {
            Log.Unavailable(_logger, cause);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StoreUnavailable, Level = LogLevel.Error,
            Message = "The store does not answer ({Cause}): tokens are decided from memory, token services answer 503 until it is back")]
        public static partial void Unavailable(ILogger logger, string cause);

        [LoggerMessage(EventId = LogEvents.StoreRecovered, Level = LogLevel.Information, Message = "The store answers; caught up with its changes to sequence {Sequence}")]
        public static partial void Recovered(ILogger logger, long sequence);

        [LoggerMessage(EventId = LogEvents.StoreReloaded, Level = LogLevel.Warning,
            Message = "The store's change log no longer reaches back to this instance's last change; revocations, block lists and keys were reloaded (sequence {Sequence})")]
        public static partial void Reloaded(ILogger logger, long sequence);

        [LoggerMessage(EventId = LogEvents.StoreFeedFailed, Level = LogLevel.Error, Message = "Following the store's changes failed; retrying")]
        public static partial void FeedFailed(ILogger logger, Exception exception);
    }
}
