using AuthProxy.Errors;

namespace AuthProxy.Hosting;

/// <summary>
/// Keeps each listener to its endpoints once routing has chosen one: the management listener
/// serves only endpoints marked <see cref="ManagementEndpoint"/>, the main listener none marked
/// for the management listener alone. Anything else gets the usual no-route refusal, as if the
/// endpoint did not exist there. Runs only when a management listener is configured.
/// </summary>
internal sealed class ManagementListenerMiddleware(RequestDelegate next, ManagementListener listener)
{
    public Task InvokeAsync(HttpContext context)
    {
        var marked = context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>();
        var served = listener.IsManagement(context) ? marked is not null : marked is null || marked.AlsoOnMain;
        if (served)
        {
            return next(context);
        }

        // As if no endpoint matched: the no-route refusal.
        context.SetEndpoint(null);
        return RefusalWriter.WriteAsync(context, UnmatchedRequestMiddleware.NoRoute(context));
    }
}
