using AuthProxy.Storage;
using AuthProxy.Telemetry;

namespace AuthProxy.Tokens;

/// <summary>
/// Every few minutes: forgets revocations and block list entries of tokens that have expired
/// anyway, purges expired records from the store, drops signing keys no token needs, and makes sure
/// a key signs.
/// </summary>
internal sealed partial class TokenMaintenanceService(IAuthProxyStore store, RevocationList revocations, SigningKeyRing ring, TimeProvider time,
    ILogger<TokenMaintenanceService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            revocations.Prune(now);
            var purged = await store.PurgeExpiredAsync(now, cancellationToken);
            await ring.PruneAsync(cancellationToken);

            // A key signs (and its successor is published ahead) even when no token is asked for:
            // otherwise an idle instance whose key retired and was dropped publishes no key and is not ready.
            await ring.GetSigningKeyAsync(cancellationToken);
            Log.Ran(logger, purged);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Failed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TokenMaintenanceRan, Level = LogLevel.Debug, Message = "Token maintenance purged {Rows} expired row(s)")]
        public static partial void Ran(ILogger logger, int rows);

        [LoggerMessage(EventId = LogEvents.TokenMaintenanceFailed, Level = LogLevel.Error, Message = "Token maintenance failed; it runs again at the next interval")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
