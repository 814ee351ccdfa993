using AuthProxy.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>Ready once a valid routes file is in force (a refused edit leaves the last good one, still ready).</summary>
internal sealed class RoutesReadyCheck(ActiveRoutes routes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = routes.Current;
        return Task.FromResult(current.RevisionId == RoutesSnapshot.EmptyRevision
            ? HealthCheckResult.Unhealthy("no routes file loaded")
            : HealthCheckResult.Healthy($"routes revision {current.RevisionId}: {current.Routes.Count} routes"));
    }
}
