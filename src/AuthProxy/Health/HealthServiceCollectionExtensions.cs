namespace AuthProxy.Health;

/// <summary>Registers the readiness checks behind <c>/readyz</c>.</summary>
internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<KeysReadyCheck>("keys", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<StoreReadyCheck>("store", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<RoutesReadyCheck>("routes", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
