using AuthProxy.Authentication;
using AuthProxy.Errors;
using System.Diagnostics;
using AuthProxy.Routing;
using AuthProxy.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AuthProxy.Policy;

/// <summary>
/// Turns an authorization outcome into the response the route's clients understand: the
/// failure decided by the authentication handler (401) or the policy handler (403), written once
/// by <see cref="RefusalWriter"/> in the route's error style.
/// </summary>
internal sealed class RefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private static readonly string[] BearerForbidden = [RefusalWriter.BearerForbidden];

    private readonly ActiveRoutes _routes;
    private readonly AuthProxyMetrics _metrics;
    private readonly TimeProvider _time;

    public RefusalResultHandler(ActiveRoutes routes, AuthProxyMetrics metrics, TimeProvider time)
    {
        _routes = routes;
        _metrics = metrics;
        _time = time;
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var definition = AuthPolicyRequirement.Find(policy);
        if (authorizeResult.Succeeded)
        {
            Record(context, definition, refusal: null);
            await next(context);
            return;
        }

        var style = definition?.ErrorStyle ?? _routes.Current.DefaultPolicy.ErrorStyle;
        if (AuthPolicyProvider.IsUndefined(policy))
        {
            Record(context, definition, AuthPolicyProvider.UndefinedPolicy);
            await RefusalWriter.WriteAsync(context, AuthPolicyProvider.UndefinedPolicy, style);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var refusal = FirstRefusal(authorizeResult.AuthorizationFailure)
                ?? Denials.Because(RefusalKind.Privilege, "the caller is not allowed on this route");
            var bearer = CallerIdentity.From(context.User)?.Scheme == AuthSchemes.Bearer;
            Record(context, definition, refusal);
            await RefusalWriter.WriteAsync(context, refusal, style, bearer ? BearerForbidden : default);
            return;
        }

        var challenge = await CallerAuthentication.FailureAsync(context, policy.AuthenticationSchemes);
        Record(context, definition, challenge);
        await RefusalWriter.WriteAsync(context, challenge, style, definition?.Challenges);
    }

    /// <summary>Counts the decision, records its latency and, when traced, its span (never the credential).</summary>
    private void Record(HttpContext context, AuthPolicyDefinition? definition, Refusal? refusal)
    {
        var route = RouteOf(context);
        var result = refusal is null ? "allowed" : "refused";
        var reason = refusal?.Reason ?? "none";
        var start = context.Features.Get<DecisionStart>();
        var elapsed = start is null ? TimeSpan.Zero : _time.GetElapsedTime(start.Timestamp);
        _metrics.Decided(route, result, reason, elapsed);

        if (!AuthProxyTelemetry.Source.HasListeners())
        {
            return;
        }

        var caller = CallerIdentity.From(context.User);
        using var activity = AuthProxyTelemetry.Source.StartActivity(AuthProxyTelemetry.DecisionSpan, ActivityKind.Internal, parentContext: default,
            startTime: start?.At ?? _time.GetUtcNow());
        if (activity is null)
        {
            return;
        }

        activity.SetTag(AuthProxyTelemetry.RouteTag, route);
        activity.SetTag(AuthProxyTelemetry.PolicyTag, definition?.Name ?? PolicyNames.Default);
        activity.SetTag(AuthProxyTelemetry.SchemeTag, caller?.Scheme ?? AuthorizationHeader.SchemeOf(context.Request.Headers.Authorization));
        activity.SetTag(AuthProxyTelemetry.ResultTag, result);
        activity.SetTag(AuthProxyTelemetry.ReasonTag, reason);
        if (caller is not null)
        {
            activity.SetTag(AuthProxyTelemetry.UserTag, caller.User.Name);
        }

        if (refusal is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, reason);
        }

        activity.SetEndTime((start?.At ?? _time.GetUtcNow()).UtcDateTime + elapsed);
    }

    /// <summary>The YARP route id, or the pattern of one of AuthProxy's own endpoints: a tag of bounded cardinality.</summary>
    internal static string RouteOf(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        return endpoint?.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>()?.Config.RouteId
            ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText
            ?? "none";
    }

    private static Refusal? FirstRefusal(AuthorizationFailure? failure)
    {
        if (failure is null)
        {
            return null;
        }

        foreach (var reason in failure.FailureReasons)
        {
            if (reason is RefusalReason refusal)
            {
                return refusal.Refusal;
            }
        }

        return null;
    }
}
