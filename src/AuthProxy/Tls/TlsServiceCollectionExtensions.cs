using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tls;

/// <summary>Registers the certificate file monitor and the listener's TLS (Kestrel's HTTPS defaults, validated at start).</summary>
internal static class TlsServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyTls(this IServiceCollection services)
    {
        services.TryAddSingleton<TlsFileMonitor>();
        services.TryAddSingleton<ListenerCertificate>();
        services.AddOptions<ListenerCertificateOptions>().BindConfiguration(ListenerCertificateOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ListenerCertificateOptions>, ListenerTlsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<KestrelServerOptions>, ListenerTlsSetup>());
        return services;
    }
}
