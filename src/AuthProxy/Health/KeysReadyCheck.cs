using AuthProxy.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// Ready once every configured key source has loaded at least once and its keys are still usable.
/// A source whose last refresh failed but whose last good keys are within the grace period is
/// degraded (still ready: tokens keep being decided), and says why.
/// </summary>
internal sealed class KeysReadyCheck(TrustedIssuers issuers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sources = issuers.All.SelectMany(i => i.Sources).ToList();
        var waiting = sources.Where(s => !s.IsLoaded).Select(s => s.Description).ToList();
        if (waiting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("keys not loaded yet: " + string.Join("; ", waiting)));
        }

        var expired = sources.Where(s => !s.IsUsable).Select(s => $"{s.Description} ({s.Problem ?? "refresh failing"})").ToList();
        if (expired.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("keys no longer usable, refreshing has failed for longer than the grace period: " + string.Join("; ", expired)));
        }

        var failing = sources.Where(s => s.Problem is not null).Select(s => s.Problem!).ToList();
        return Task.FromResult(failing.Count > 0
            ? HealthCheckResult.Degraded("the last good keys stay in force, but the last refresh failed: " + string.Join("; ", failing))
            : HealthCheckResult.Healthy($"{sources.Count} key source(s) loaded"));
    }
}
