using System.Runtime.CompilerServices;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Telemetry;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Parameters;

/// <summary>
/// Runs in YARP's pipeline, on every forwarded request: refuses a request whose query string
/// carries a <see cref="RefusedParameters"/> name in any spelling, refuses a form, JSON or
/// multipart body that cannot be checked for one (compressed, in another charset, with two
/// <c>Content-Type</c>s), and checks every other such body as it is forwarded
/// (<see cref="ParameterScanningStream"/>). Requests without a query string or such a body pay
/// one look-up.
/// </summary>
internal sealed partial class ParameterGuardMiddleware(RequestDelegate next, ILogger<ParameterGuardMiddleware> logger)
{
    private readonly ConditionalWeakTable<RouteConfig, RefusedParameters> _byRoute = [];

    public Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var parameters = _byRoute.GetValue(route, static r => RefusedParameters.ForRoute(r.Metadata));
        var request = context.Request;
        if (request.QueryString.HasValue && QueryKeys.FindKey(request.QueryString.Value, parameters.Names) is { } found)
        {
            return RefuseAsync(context, RefusedParameters.InQuery(found.Key, found.Name));
        }

        var shape = BodyShape.Of(request);
        return shape.MayCarryParameters
            ? ScanBodyAsync(context, route, parameters, shape)
            : next(context); // no body to read: no state machine for the common case
    }

    private async Task ScanBodyAsync(HttpContext context, RouteConfig route, RefusedParameters parameters, BodyShape shape)
    {
        var request = context.Request;
        if (shape.Problem is { } problem)
        {
            await RefuseAsync(context, RefusedParameters.Unreadable(shape.MediaType, problem));
            return;
        }

        var scan = new BodyScan(shape.Kinds, parameters.Names);
        request.Body = new ParameterScanningStream(request.Body, scan);
        await next(context);

        // YARP has aborted the request to the backend and answered 400; say why, unless the backend answered first.
        var matcher = scan.Matcher;
        if (matcher.Refused && !context.Response.HasStarted)
        {
            Log.BodyParameterRefused(logger, route.RouteId, matcher.Found is null ? matcher.Problem! : $"it carries '{matcher.Name}', a parameter AuthProxy refuses");
            await RefuseAsync(context, matcher.Found is { } key
                ? RefusedParameters.InBody(key, matcher.Name!, shape.MediaType)
                : RefusedParameters.Unreadable(shape.MediaType, matcher.Problem!));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.BodyParameterRefused, Level = LogLevel.Debug,
            Message = "A body on route {Route} was refused while it was forwarded, and the backend never received it whole: {Cause}")]
        public static partial void BodyParameterRefused(ILogger logger, string route, string cause);
    }

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal);
}
