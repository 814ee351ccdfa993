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
        services.TryAddSingleton<Limits.FleetShare>();
        services.TryAddSingleton<Limits.RouteLimits>();
        return services;
    }
}
