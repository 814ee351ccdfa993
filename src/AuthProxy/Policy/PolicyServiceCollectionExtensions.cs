using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Policy;

/// <summary>Registers AuthProxy's policies as ASP.NET Core authorization, and the writer of its refusals.</summary>
internal static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyPolicies(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, AuthPolicyProvider>());
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, RefusalResultHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AuthPolicyHandler>());
        return services;
    }
}
