using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Users;

/// <summary>Registers the users directory, password checks and their throttling.</summary>
internal static class UsersServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyUsers(this IServiceCollection services)
    {
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<PasswordVerifier>();
        services.TryAddSingleton<CredentialCheck>();
        return services;
    }
}
