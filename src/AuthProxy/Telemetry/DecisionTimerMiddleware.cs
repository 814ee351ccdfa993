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

/// <summary>When the decision started: a timestamp for the latency, a wall-clock time for the span.</summary>
internal sealed class DecisionStart(long timestamp, DateTimeOffset at)
{
    public long Timestamp { get; } = timestamp;

    public DateTimeOffset At { get; } = at;
}
