using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Users;

/// <summary>Registers the users directory, password checks and their throttling.</summary>
internal static class UsersServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyUsers(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new LoginThrottle(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.ThrottlingOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Telemetry.AuthProxyMetrics>(),
            sp.GetRequiredService<Storage.IAuthProxyStore>() is Storage.PostgresStore shared ? new SharedBudgets(shared) : null,
            sp.GetRequiredService<Storage.StoreStatus>()));
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<PasswordVerifier>();
        services.TryAddSingleton<CredentialCheck>();
        return services;
    }
}
