namespace AuthProxy.Telemetry;

/// <summary>When the decision started: a timestamp for the latency, a wall-clock time for the span.</summary>
internal sealed class DecisionStart(long timestamp, DateTimeOffset at)
{
    public long Timestamp { get; } = timestamp;

    public DateTimeOffset At { get; } = at;
}
