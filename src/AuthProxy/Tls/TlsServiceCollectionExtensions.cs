using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tls;

/// <summary>Registers the certificate file monitor and the listener's TLS (Kestrel's HTTPS defaults, validated at start).</summary>
internal static class TlsServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyTls(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<TlsFileMonitor>();
        services.TryAddSingleton(sp => new ListenerCertificate(
            configuration.GetSection(ListenerCertificateOptions.SectionName).Get<ListenerCertificateOptions>() ?? new ListenerCertificateOptions(),
            sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<TlsFileMonitor>()));
        services.AddOptions<ListenerCertificateOptions>().Bind(configuration.GetSection(ListenerCertificateOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ListenerCertificateOptions>>(sp => new ListenerTlsValidator(sp.GetRequiredService<ListenerCertificate>(), configuration));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IConfigureOptions<KestrelServerOptions>, ListenerTlsSetup>());
        return services;
    }
}
