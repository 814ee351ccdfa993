using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Telemetry;

/// <summary>Registers what the features report to: the meter's instruments and the decision's telemetry.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<AuthProxyMetrics>();
        services.TryAddSingleton<DecisionTelemetry>();
        return services;
    }
}
