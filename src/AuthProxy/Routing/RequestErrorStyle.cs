using AuthProxy.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Routing;

/// <summary>
/// The one place that decides a request's error style, asked only when something refuses: an
/// AuthProxy endpoint's own style, the style of the policy a YARP route names, and the
/// <c>default</c> policy's before a route is known (a bad path, no route) or for an endpoint of
/// neither kind. A fault keeps its endpoint's style: the exception handler clears the endpoint
/// and keeps it on its feature. A request that is not refused pays nothing for it.
/// </summary>
internal static class RequestErrorStyle
{
    public static ErrorStyle Of(HttpContext context)
    {
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint?.Metadata.GetMetadata<ErrorStyleMetadata>() is { } own)
        {
            return own.Style;
        }

        if (context.RequestServices?.GetService<ActiveRoutes>()?.Current is not { } snapshot)
        {
            return ErrorStyle.Restpp;
        }

        return endpoint?.Metadata.GetMetadata<RouteModel>() is { } route
            ? (snapshot.PolicyOf(route.Config) ?? snapshot.DefaultPolicy).ErrorStyle
            : snapshot.DefaultPolicy.ErrorStyle;
    }
}
