using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Health;

/// <summary>Registers the readiness checks behind <c>/readyz</c>, and the log of readiness changes.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<KeysReadyCheck>("keys", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<StoreReadyCheck>("store", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<RoutesReadyCheck>("routes", tags: [HealthEndpoints.ReadyTag]);
        services.TryAddSingleton<ReadinessLog>();
        services.AddHostedService<ReadinessMonitor>();
        return services;
    }
}
