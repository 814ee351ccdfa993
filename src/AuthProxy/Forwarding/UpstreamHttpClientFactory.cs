using AuthProxy.Telemetry;
using AuthProxy.Tls;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace AuthProxy.Forwarding;

/// <summary>
/// YARP's HTTP client factory with AuthProxy's connections (<see cref="UpstreamConnector"/>): each
/// cluster's client makes its TLS handshakes with the cluster's <c>AuthProxy.*</c> settings. A
/// cluster whose HTTP client settings and AuthProxy settings are unchanged by a routes reload keeps
/// its client and its open connections.
/// Unless <see cref="TelemetryOptions.ForwardedHttpClientMetrics"/> is on, the handlers' meter is one
/// no listener subscribes to (<see cref="UnobservedMeterFactory"/>), so HttpClient skips measuring
/// forwarded requests: <c>authproxy.upstream.duration</c> measures each once.
/// </summary>
internal sealed partial class UpstreamHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IHostEnvironment environment, TlsFileMonitor monitor,
    IOptions<TelemetryOptions> telemetry)
    : ForwarderHttpClientFactory(logger)
{
    private readonly ILogger<ForwarderHttpClientFactory> _logger = logger;

    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context)
        && string.Equals(UpstreamTlsMetadata.Fingerprint(context.OldMetadata), UpstreamTlsMetadata.Fingerprint(context.NewMetadata), StringComparison.Ordinal);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (!telemetry.Value.ForwardedHttpClientMetrics)
        {
            handler.MeterFactory = UnobservedMeterFactory.Instance;
        }

        if (handler.UseProxy)
        {
            return; // through a forward proxy the handler's own TLS applies (the routes file may not set AuthProxy's TLS settings there)
        }

        var problems = new List<string>();
        var settings = UpstreamTlsMetadata.Read(context.NewMetadata, environment.ContentRootPath);
        handler.ConnectCallback = new UpstreamConnector(context.ClusterId, settings, context.NewConfig, monitor, problems).ConnectAsync;
        foreach (var problem in problems)
        {
            Log.FilesUnreadable(_logger, context.ClusterId, problem);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.UpstreamTlsFilesUnreadable, Level = LogLevel.Error, Message = "Cluster {Cluster}: {Problem}; its TLS connections fail until the files can be read")]
        public static partial void FilesUnreadable(ILogger logger, string cluster, string problem);
    }
}
