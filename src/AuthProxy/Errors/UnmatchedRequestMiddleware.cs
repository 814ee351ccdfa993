using Yarp.ReverseProxy.Model;

namespace AuthProxy.Errors;

/// <summary>
/// Gives the documented body to requests no endpoint answered: no route (404) or a route that
/// does not take the method (405). Responses from a backend are never touched.
/// </summary>
internal sealed class UnmatchedRequestMiddleware(RequestDelegate next)
{
    /// <remarks>
    /// Runs after routing: a request a proxied route matched is forwarded or refused with its body
    /// written, never left empty, so it is passed on without waiting for its end.
    /// </remarks>
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null ? next(context) : AnswerUnmatchedAsync(context);

    /// <summary>The refusal of a request no endpoint serves (TigerGraph's wording).</summary>
    public static Refusal NoRoute(HttpContext context) =>
        new(RefusalKind.NoRoute, $"Endpoint is not found from url = {Denials.Show(context.Request.Path.Value)}");

    private async Task AnswerUnmatchedAsync(HttpContext context)
    {
        await next(context);

        var response = context.Response;
        if (response.HasStarted || response.ContentLength is not null || response.ContentType is not null
            || context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination is not null)
        {
            return;
        }

        Refusal? refusal = response.StatusCode switch
        {
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => NoRoute(context),
            StatusCodes.Status405MethodNotAllowed =>
                new Refusal(RefusalKind.MethodNotAllowed, $"Method {Denials.Show(context.Request.Method)} is not allowed on url = {Denials.Show(context.Request.Path.Value)}"),
            _ => null,
        };

        if (refusal is not null)
        {
            var allow = response.Headers.Allow;
            await RefusalWriter.WriteAsync(context, refusal.Value);
            if (!string.IsNullOrEmpty(allow) && !response.HasStarted)
            {
                response.Headers.Allow = allow;
            }
        }
    }
}
