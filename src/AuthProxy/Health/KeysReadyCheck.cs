using AuthProxy.Keys;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>Ready once every configured key source has loaded at least once.</summary>
internal sealed class KeysReadyCheck(TrustedIssuers issuers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = issuers.All.SelectMany(i => i.Sources).Where(s => !s.IsLoaded).Select(s => s.Description).ToList();
        return Task.FromResult(waiting.Count == 0
            ? HealthCheckResult.Healthy($"{issuers.All.Sum(i => i.Sources.Length)} key source(s) loaded")
            : HealthCheckResult.Unhealthy("keys not loaded yet: " + string.Join("; ", waiting)));
    }
}
