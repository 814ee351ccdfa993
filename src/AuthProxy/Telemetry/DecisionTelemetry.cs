using System.Diagnostics;
using AuthProxy.Policy;

namespace AuthProxy.Telemetry;

/// <summary>
/// Records an authorization decision: counts it, records its latency (from when
/// <see cref="PolicyDecisionMiddleware"/> started it, <see cref="RequestDecision"/>) and, when traced, its span. The caller
/// hands over plain values (the route's policy, how the caller authenticated, who, why refused);
/// never the credential.
/// </summary>
internal sealed class DecisionTelemetry(AuthProxyMetrics metrics, TimeProvider time)
{
    /// <param name="reason">The refusal's reason word, or null when the request was allowed.</param>
    /// <param name="decision">The request's decision (<see cref="RequestDecision.Of"/>): when it started and on which route.</param>
    public void Record(HttpContext context, RequestDecision? decision, string policy, string? scheme, string? user, string? reason)
    {
        var route = decision?.Route ?? RouteOf(context);
        var result = reason is null ? "allowed" : "refused";
        reason ??= "none";
        var elapsed = decision?.StartedAt is { } started ? time.GetElapsedTime(started) : TimeSpan.Zero;
        metrics.Decided(route, result, reason, elapsed);

        if (!AuthProxyTelemetry.Source.HasListeners())
        {
            return;
        }

        // The span is recorded once decided, over the time the decision took.
        var end = time.GetUtcNow();
        using var activity = AuthProxyTelemetry.Source.StartActivity(AuthProxyTelemetry.DecisionSpan, ActivityKind.Internal, parentContext: default,
            startTime: end - elapsed);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(AuthProxyTelemetry.RouteTag, route);
        activity.SetTag(AuthProxyTelemetry.PolicyTag, policy);
        activity.SetTag(AuthProxyTelemetry.SchemeTag, scheme ?? string.Empty);
        activity.SetTag(AuthProxyTelemetry.ResultTag, result);
        activity.SetTag(AuthProxyTelemetry.ReasonTag, reason);
        if (user is not null)
        {
            activity.SetTag(AuthProxyTelemetry.UserTag, user);
        }

        if (result == "refused")
        {
            activity.SetStatus(ActivityStatusCode.Error, reason);
        }

        activity.SetEndTime(end.UtcDateTime);
    }

    /// <summary>The YARP route id, or the pattern of one of AuthProxy's own endpoints: a tag of bounded cardinality.</summary>
    internal static string RouteOf(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        return endpoint?.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>()?.Config.RouteId
            ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText
            ?? "none";
    }
}
