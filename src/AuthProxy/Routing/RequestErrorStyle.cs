using AuthProxy.Errors;
using Yarp.ReverseProxy.Model;

namespace AuthProxy.Routing;

/// <summary>
/// The one place that decides a request's error style. It runs twice: first, before anything can
/// refuse, it sets the <c>default</c> policy's style (for refusals before a route is known: a bad
/// path, no route, a fault); after routing, it narrows to the endpoint's: an AuthProxy endpoint's
/// own style, or the style of the policy a YARP route names.
/// </summary>
internal sealed class ErrorStyleMiddleware(RequestDelegate next, ActiveRoutes routes)
{
    public Task InvokeAsync(HttpContext context)
    {
        var snapshot = routes.Current;
        if (context.Features.Get<ErrorStyleFeature>() is not { } feature)
        {
            context.Features.Set(new ErrorStyleFeature(snapshot.DefaultPolicy.ErrorStyle));
        }
        else if (context.GetEndpoint() is { } endpoint)
        {
            if (endpoint.Metadata.GetMetadata<ErrorStyleMetadata>() is { } own)
            {
                feature.Style = own.Style;
            }
            else if (endpoint.Metadata.GetMetadata<RouteModel>() is { } route)
            {
                feature.Style = (snapshot.PolicyOf(route.Config) ?? snapshot.DefaultPolicy).ErrorStyle;
            }
        }

        return next(context);
    }
}
