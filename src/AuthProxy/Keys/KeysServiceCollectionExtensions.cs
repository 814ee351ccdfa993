using AuthProxy.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Keys;

/// <summary>Registers the trusted issuers and where their keys come from.</summary>
internal static class KeysServiceCollectionExtensions
{
    /// <summary>
    /// The key clients (one named HTTP client for each provider with a CA bundle of its own), the
    /// fetcher, the key sources and their refresh, and the trusted issuers. The providers are read
    /// once here into <see cref="JwtProvidersOptions"/>.
    /// </summary>
    public static IServiceCollection AddAuthProxyKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<KeyHttp>();
        services.TryAddSingleton<KeyFetcher>();
        services.TryAddSingleton<KeySourceFactory>();
        var providers = JwtProviders.Read(configuration);
        services.AddOptions<JwtProvidersOptions>().Configure(o => o.Providers = providers);
        KeyHttp.Register(services, providers.Where(p => p.CaCertificate is not null).Select(p => p.Name));
        services.AddHostedService<KeyRefreshService>();
        services.TryAddSingleton<TrustedIssuers>();
        return services;
    }
}
