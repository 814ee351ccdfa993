namespace AuthProxy.Telemetry;

/// <summary>Notes when authentication and authorization start, so the decision's latency and span cover both.</summary>
internal sealed class DecisionTimerMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Features.Set(new DecisionStart(time.GetTimestamp(), time.GetUtcNow()));
        return next(context);
    }
}
