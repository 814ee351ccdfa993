namespace AuthProxy.Forwarding;

/// <summary>Registers YARP with AuthProxy's transforms (the strip list and the identity headers).</summary>
internal static class ForwardingServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyForwarding(this IServiceCollection services)
    {
        services.AddReverseProxy().AddTransforms<ForwardingTransformProvider>();
        return services;
    }
}
