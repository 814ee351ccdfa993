using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Forwarding;
using AuthProxy.Health;
using AuthProxy.Keys;
using AuthProxy.Policy;
using AuthProxy.Routing;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using AuthProxy.Tls;
using AuthProxy.Tokens;
using AuthProxy.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>Registers AuthProxy's services.</summary>
public static class AuthProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the enforcement point: options, users, trusted issuers, the Bearer and Basic schemes,
    /// the routes file as YARP's configuration, and AuthProxy's policies. Each feature registers
    /// its own services; the order is kept because options report their problems, and hosted
    /// services start, in the order they are added.
    /// </summary>
    public static IServiceCollection AddAuthProxy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddAuthProxyOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddAuthProxyTelemetry();
        services.AddAuthProxyKeys(configuration);
        services.AddAuthProxyStorage();
        services.AddAuthProxyTokens();
        services.AddAuthProxyHealth();
        AddHosting(services);
        services.AddAuthProxyUsers();
        services.AddAuthProxyAuthentication();
        services.AddAuthProxyRouting();
        services.AddAuthProxyPolicies();
        services.AddAuthProxyForwarding(configuration);
        services.AddAuthProxyTls(configuration);
        return services;
    }

    /// <summary>The management listener as configured, the settings file's watcher, and the shutdown timeout.</summary>
    private static void AddHosting(IServiceCollection services)
    {
        services.TryAddSingleton(sp => ManagementListener.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddHostedService<Settings.SettingsWatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HostOptions>, ShutdownTimeoutSetup>());
    }
}
