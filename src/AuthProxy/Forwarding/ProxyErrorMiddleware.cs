using AuthProxy.Errors;
using AuthProxy.Telemetry;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Forwarding;

/// <summary>
/// Runs in YARP's pipeline: times each forwarding, and when forwarding failed before the
/// backend's response started, answers in the route's error style instead of YARP's empty
/// 502/503/504.
/// </summary>
internal sealed partial class ProxyErrorMiddleware(RequestDelegate next, AuthProxyMetrics metrics, TimeProvider time,
    ILogger<ProxyErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>();
        var cluster = context.Features.Get<IReverseProxyFeature>()?.Route.Config.ClusterId ?? "none";
        metrics.Forwarded(cluster, error is null ? StatusClass(context.Response.StatusCode) : error.Error.ToString(), time.GetElapsedTime(started));
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var route = context.Features.Get<IReverseProxyFeature>()?.Route.Config;
        Refusal? refusal = error.Error switch
        {
            ForwarderError.RequestTimedOut => new Refusal(RefusalKind.UpstreamTimeout, $"The backend of cluster {cluster} did not answer in time"),
            ForwarderError.NoAvailableDestinations => new Refusal(RefusalKind.NoDestination, $"No backend of cluster {cluster} is available"),
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient => null,
            _ => new Refusal(RefusalKind.UpstreamUnavailable, $"The backend of cluster {cluster} cannot be reached or failed to answer"),
        };

        if (refusal is null)
        {
            return; // the client went away or sent a broken body; YARP's status stands
        }

        Log.ForwardingFailed(logger, route?.RouteId ?? "?", cluster, error.Error.ToString(), error.Exception?.GetType().Name, error.Exception?.Message);
        await RefusalWriter.WriteAsync(context, refusal.Value);
    }

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
    }
}
