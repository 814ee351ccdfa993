using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Hosting;
using AuthProxy.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Forwarding;

/// <summary>
/// Runs in YARP's pipeline: times each forwarding, logs each failure of the backend or the network
/// in one line (YARP's own lines, with their stack traces, are off by default), and when forwarding
/// failed before the backend's response started, answers in the route's error style instead of
/// YARP's empty 502/503/504. A failed TLS connection is its own refusal (<c>upstream-tls</c>) and
/// its own log line, naming the cause (untrusted chain, name mismatch, expired, client certificate
/// refused). A client that went away or sent a broken body is not a failure worth a
/// warning: anyone can cause one.
/// </summary>
internal sealed partial class ProxyErrorMiddleware(RequestDelegate next, AuthProxyMetrics metrics, TimeProvider time,
    ILogger<ProxyErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        await next(context);

        var error = context.Features.Find<IForwarderErrorFeature>();
        var proxy = context.Features.Find<IReverseProxyFeature>();
        var cluster = proxy?.Route.Config.ClusterId ?? "none";
        metrics.Forwarded(cluster, error is null ? StatusClass(context.Response.StatusCode) : error.Error.ToString(), time.GetElapsedTime(started));
        if (error is null || context.RequestAborted.IsCancellationRequested || IsClientSide(error.Error))
        {
            return; // the client went away or sent a broken body; YARP's status stands
        }

        var route = proxy?.Route.Config;
        var tls = context.Features.Find<UpstreamTlsSlot>()?.Failure ?? UpstreamTlsException.Find(error.Exception);
        if (tls is not null)
        {
            metrics.UpstreamTlsFailed(cluster, tls.Word);
            var destination = proxy?.ProxiedDestination?.Model.Config.Address is { } address ? UrlRedaction.Redact(address) : "?";
            Log.UpstreamTlsFailed(logger, route?.RouteId ?? "?", cluster, destination, tls.Word, tls.Detail);
        }
        else
        {
            Log.ForwardingFailed(logger, route?.RouteId ?? "?", cluster, error.Error.ToString(), error.Exception?.GetType().Name, error.Exception?.Message);
        }

        if (context.Response.HasStarted)
        {
            return; // the backend's status and part of its body are on their way; YARP aborts the rest
        }

        var refusal = error.Error switch
        {
            _ when tls is not null => new Refusal(RefusalKind.UpstreamTls, $"The TLS connection to the backend of cluster {cluster} failed"),
            ForwarderError.RequestTimedOut => new Refusal(RefusalKind.UpstreamTimeout, $"The backend of cluster {cluster} did not answer in time"),
            ForwarderError.NoAvailableDestinations => new Refusal(RefusalKind.NoDestination, $"No backend of cluster {cluster} is available"),
            _ => new Refusal(RefusalKind.UpstreamUnavailable, $"The backend of cluster {cluster} cannot be reached or failed to answer"),
        };
        await RefusalWriter.WriteAsync(context, refusal);
    }

    private static bool IsClientSide(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;

    private static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.ForwardingFailed, Level = LogLevel.Warning, Message = "Forwarding on route {Route} to cluster {Cluster} failed: {Error} ({ExceptionType}: {ExceptionMessage})")]
        public static partial void ForwardingFailed(ILogger logger, string route, string cluster, string error, string? exceptionType, string? exceptionMessage);

        [LoggerMessage(EventId = LogEvents.UpstreamTlsFailed, Level = LogLevel.Warning, Message = "TLS to the backend failed on route {Route}, cluster {Cluster}, destination {Destination}: {Cause}: {Detail}")]
        public static partial void UpstreamTlsFailed(ILogger logger, string route, string cluster, string destination, string cause, string detail);
    }
}
