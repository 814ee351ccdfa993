using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration.ClusterValidators;
using Yarp.ReverseProxy.Forwarder;

namespace AuthProxy.Forwarding;

/// <summary>
/// Registers YARP with AuthProxy's transforms (the strip list and the identity headers) and its
/// connections to backends (TLS from each cluster's <c>AuthProxy.*</c> metadata, checked with the routes).
/// </summary>
internal static class ForwardingServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyForwarding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UpstreamOptions>().Bind(configuration.GetSection(UpstreamOptions.SectionName));
        services.AddReverseProxy().AddTransforms<ForwardingTransformProvider>().AddConfigFilter<DangerousCertificateFilter>();
        services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, UpstreamHttpClientFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterValidator, UpstreamTlsClusterValidator>());
        return services;
    }
}
