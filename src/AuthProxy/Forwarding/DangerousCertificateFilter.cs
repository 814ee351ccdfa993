using AuthProxy.Telemetry;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Forwarding;

/// <summary>
/// Keeps a cluster that accepts any backend certificate in plain sight: a warning at every load
/// of the routes file that keeps it, and the <c>authproxy.upstream.dangerous_certificates</c> gauge.
/// (Without <c>AuthProxy:Upstream:AllowDangerousCertificates</c> such a cluster never loads; see
/// <see cref="UpstreamTlsClusterValidator"/>.)
/// </summary>
internal sealed partial class DangerousCertificateFilter : IProxyConfigFilter
{
    private readonly ILogger<DangerousCertificateFilter> _logger;

    public DangerousCertificateFilter(AuthProxyMetrics metrics, IServiceProvider services, ILogger<DangerousCertificateFilter> logger)
    {
        _logger = logger;
        // Read when the gauge is collected: the clusters YARP has in force then.
        metrics.ObserveDangerousClusters(() => services.GetRequiredService<IProxyStateLookup>().GetClusters()
            .Count(c => c.Model.Config.HttpClient?.DangerousAcceptAnyServerCertificate == true));
    }

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
    {
        if (cluster.HttpClient?.DangerousAcceptAnyServerCertificate == true)
        {
            Log.AcceptsAnyCertificate(_logger, cluster.ClusterId, UpstreamOptions.SectionName);
        }

        return ValueTask.FromResult(cluster);
    }

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) => ValueTask.FromResult(route);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.DangerousCertificatesAccepted, Level = LogLevel.Warning,
            Message = "Cluster {Cluster} accepts ANY certificate from its backends (HttpClient:DangerousAcceptAnyServerCertificate, allowed by {Section}:AllowDangerousCertificates): anyone on the network path can read and change its traffic")]
        public static partial void AcceptsAnyCertificate(ILogger logger, string cluster, string section);
    }
}
