using AuthProxy.Telemetry;

namespace AuthProxy.Tls;

/// <summary>
/// Checks every certificate file AuthProxy reads (the listener's certificate, the backends' CA
/// bundles and client certificates) once every <see cref="Interval"/>, and reloads what changed.
/// Polling, rather than file system events, also sees a Kubernetes secret volume swap its links
/// and a file replaced on a network file system. Material is held weakly: a backend's material
/// that the routes no longer use is dropped with its HTTP client.
/// </summary>
internal sealed partial class TlsFileMonitor : IDisposable
{
    /// <summary>How often the files are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly List<WeakReference<IReloadingFiles>> _watched = [];
    private readonly Lock _gate = new();
    private readonly ILogger<TlsFileMonitor> _logger;
    private readonly ITimer _timer;
    private int _checking;

    public TlsFileMonitor(TimeProvider time, ILogger<TlsFileMonitor> logger)
    {
        _logger = logger;
        _timer = time.CreateTimer(_ => CheckAll(), null, Interval, Interval);
    }

    /// <summary>Starts checking <paramref name="files"/> for changes.</summary>
    public void Watch(IReloadingFiles files)
    {
        lock (_gate)
        {
            _watched.Add(new WeakReference<IReloadingFiles>(files));
        }
    }

    /// <summary>Checks every watched set of files once (the timer's work; never two at a time).</summary>
    internal void CheckAll()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            List<IReloadingFiles> alive;
            lock (_gate)
            {
                _watched.RemoveAll(w => !w.TryGetTarget(out _));
                alive = [.. _watched.Select(w => w.TryGetTarget(out var files) ? files : null).OfType<IReloadingFiles>()];
            }

            foreach (var files in alive)
            {
                var result = files.Check();
                if (result.Kind == ReloadResultKind.Reloaded)
                {
                    Log.Reloaded(_logger, files.Description);
                }
                else if (result.Kind == ReloadResultKind.Refused)
                {
                    Log.Refused(_logger, files.Description, string.Join("; ", result.Problems));
                }
            }
        }
#pragma warning disable CA1031 // A timer callback must never take the process down; the next check tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.CheckFailed(_logger, ex.GetType().Name, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    public void Dispose() => _timer.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TlsFilesReloaded, Level = LogLevel.Information, Message = "Reloaded the {Files}: new connections use it, open ones keep theirs")]
        public static partial void Reloaded(ILogger logger, string files);

        [LoggerMessage(EventId = LogEvents.TlsFilesRefused, Level = LogLevel.Error, Message = "The {Files} changed but cannot be loaded; the version in force stays: {Problems}")]
        public static partial void Refused(ILogger logger, string files, string problems);

        [LoggerMessage(EventId = LogEvents.TlsFilesCheckFailed, Level = LogLevel.Error, Message = "Checking certificate files failed ({ExceptionType}: {ExceptionMessage}); the next check tries again")]
        public static partial void CheckFailed(ILogger logger, string exceptionType, string exceptionMessage);
    }
}
