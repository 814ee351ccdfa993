using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// Runs the readiness checks at start and every few seconds, so that <see cref="ReadinessLog"/>
/// tells a change of readiness even when nothing polls <c>/readyz</c>.
/// </summary>
internal sealed class ReadinessMonitor(HealthCheckService health, ReadinessLog log, TimeProvider time) : BackgroundService
{
    /// <summary>How often readiness is checked when nothing polls <c>/readyz</c>.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            do
            {
                log.Observe(await health.CheckHealthAsync(c => c.Tags.Contains(HealthEndpoints.ReadyTag), stoppingToken));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
