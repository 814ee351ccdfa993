using AuthProxy.Keys;
using AuthProxy.Routing;
using AuthProxy.Telemetry;
using AuthProxy.Users;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// Logs each change of readiness once: "not ready: waiting for keys from ..." when the proxy starts
/// or falls not ready, "ready: N key sources, M routes, K users" when it gets there, instead of a
/// line for every failing <c>/readyz</c> poll. Fed by <see cref="ReadinessMonitor"/> and by every
/// <c>/readyz</c> answer.
/// </summary>
internal sealed partial class ReadinessLog(TrustedIssuers issuers, ActiveRoutes routes, UserDirectory users, ILogger<ReadinessLog> logger)
{
    private readonly Lock _gate = new();
    private string? _last;

    public void Observe(HealthReport report)
    {
        // A state is its status and which checks are not healthy: a new cause of the same failure is the fetch's own line (event 1311).
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).Order(StringComparer.Ordinal);
        var state = $"{report.Status}:{string.Join(",", failing)}";
        lock (_gate)
        {
            if (state == _last)
            {
                return;
            }

            _last = state;
        }

        var problems = string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Value.Description ?? e.Key));
        switch (report.Status)
        {
            case HealthStatus.Unhealthy:
                Log.NotReady(logger, problems);
                break;
            case HealthStatus.Degraded:
                Log.Degraded(logger, problems);
                break;
            default:
                var sources = issuers.All.Where(i => !i.IsAuthProxy).Sum(i => i.Sources.Length);
                Log.Ready(logger, sources, routes.Current.Routes.Count, users.Count);
                break;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.NotReady, Level = LogLevel.Warning, Message = "Not ready: {Problems}")]
        public static partial void NotReady(ILogger logger, string problems);

        [LoggerMessage(EventId = LogEvents.Ready, Level = LogLevel.Information, Message = "Ready: {KeySources} key source(s), {Routes} route(s), {Users} user(s)")]
        public static partial void Ready(ILogger logger, int keySources, int routes, int users);

        [LoggerMessage(EventId = LogEvents.ReadyDegraded, Level = LogLevel.Warning, Message = "Ready, degraded: {Problems}")]
        public static partial void Degraded(ILogger logger, string problems);
    }
}
