using AuthProxy.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>Ready while the store answers.</summary>
internal sealed class StoreReadyCheck(IAuthProxyStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.PingAsync(cancellationToken) ? HealthCheckResult.Healthy("the store answers") : HealthCheckResult.Unhealthy("the store does not answer");
}
