using AuthProxy.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// Ready once every configured key source has loaded at least once and its keys are still usable.
/// A source whose last refresh failed but whose last good keys are within the grace period is
/// degraded (still ready: tokens keep being decided), and says why. Every description names the
/// sources: the identity providers' configured ones, and AuthProxy's own signing keys apart.
/// </summary>
internal sealed class KeysReadyCheck(TrustedIssuers issuers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sources = issuers.All.SelectMany(i => i.Sources).ToList();
        var waiting = sources.Where(s => !s.IsLoaded).Select(s => s.Problem is null ? s.Description : $"{s.Description} ({s.Problem})").ToList();
        if (waiting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("waiting for keys from " + string.Join("; ", waiting)));
        }

        var expired = sources.Where(s => !s.IsUsable).Select(s => $"{s.Description} ({s.Problem ?? "refresh failing"})").ToList();
        if (expired.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("keys no longer usable, refreshing has failed for longer than the grace period: " + string.Join("; ", expired)));
        }

        var failing = sources.Where(s => s.Problem is not null).Select(s => s.Problem!).ToList();
        if (failing.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded("the last good keys stay in force, but the last refresh failed: " + string.Join("; ", failing)));
        }

        var configured = issuers.All.Where(i => !i.IsAuthProxy).SelectMany(i => i.Sources).Select(s => s.Description).ToList();
        return Task.FromResult(HealthCheckResult.Healthy(configured.Count == 0
            ? "no identity provider's keys are configured; AuthProxy's own signing keys are loaded"
            : $"{configured.Count} key source(s) loaded: {string.Join("; ", configured)}; and AuthProxy's own signing keys"));
    }
}
