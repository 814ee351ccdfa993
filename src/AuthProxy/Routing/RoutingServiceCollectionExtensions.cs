using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Routing;

/// <summary>Registers the routes file as YARP's configuration.</summary>
internal static class RoutingServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyRouting(this IServiceCollection services)
    {
        services.TryAddSingleton<ActiveRoutes>();
        services.TryAddSingleton<RoutesFileLoader>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<ActiveRoutes>());
        return services;
    }
}
