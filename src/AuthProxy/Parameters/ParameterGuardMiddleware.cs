using System.Runtime.CompilerServices;
using AuthProxy.Errors;
using AuthProxy.Policy;
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
internal sealed class ParameterGuardMiddleware(RequestDelegate next)
{
    private readonly ConditionalWeakTable<RouteConfig, RefusedParameters> _byRoute = [];

    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var parameters = _byRoute.GetValue(route, static r => RefusedParameters.ForRoute(r.Metadata));
        var request = context.Request;
        if (request.QueryString.HasValue && QueryKeys.FindKey(request.QueryString.Value, parameters.Names) is { } found)
        {
            await RefuseAsync(context, RefusedParameters.InQuery(found.Key, found.Name));
            return;
        }

        var shape = BodyShape.Of(request);
        if (!shape.MayCarryParameters)
        {
            await next(context);
            return;
        }

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
            await RefuseAsync(context, matcher.Found is { } key
                ? RefusedParameters.InBody(key, matcher.Name!, shape.MediaType)
                : RefusedParameters.Unreadable(shape.MediaType, matcher.Problem!));
        }
    }

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal);
}
