using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Policy;

/// <summary>Registers AuthProxy's policies as ASP.NET Core authorization, the writer of its refusals, and the per-route limits.</summary>
internal static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyPolicies(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, AuthPolicyProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, RefusalResultHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AuthPolicyHandler>());
        // PolicyDecisionMiddleware is the pipeline's authorization step, always in place; it passes
        // remembered tokens on without the marker AuthorizationMiddleware leaves for EndpointMiddleware's check.
        services.Configure<RouteOptions>(options => options.SuppressCheckForUnhandledSecurityMetadata = true);
        services.TryAddSingleton<Limits.FleetShare>();
        services.TryAddSingleton<Limits.RouteLimits>();
        return services;
    }
}
