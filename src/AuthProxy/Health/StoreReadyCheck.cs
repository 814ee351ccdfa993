using AuthProxy.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// The store's part of readiness. The embedded store is asked (a local file answers at once). A
/// shared store is not asked on every poll: the change feed follows it and says whether it
/// answers. While it does not, the instance is degraded but ready: tokens are decided from
/// memory, and only token services (writes) answer 503, so a load balancer must not take every
/// replica out because their shared database is down.
/// </summary>
internal sealed class StoreReadyCheck(IAuthProxyStore store, StoreStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store is not PostgresStore)
        {
            return await store.PingAsync(cancellationToken) ? HealthCheckResult.Healthy("the store answers") : HealthCheckResult.Unhealthy("the store does not answer");
        }

        return status.Outage is { } outage
            ? HealthCheckResult.Degraded($"the store does not answer since {outage.Since:o} ({outage.Cause}): tokens are decided from memory, token services answer 503")
            : HealthCheckResult.Healthy($"the store answers; {status.Instances} instance(s) share it");
    }
}
