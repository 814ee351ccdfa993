using System.Diagnostics;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>
/// Writes one structured line for each request once it is answered (category
/// <c>AuthProxy.Access</c>, event 20): route, method, path without its query, user, scheme, graph
/// (the one the request asked for, else the token's scope),
/// result (<c>allowed</c>, <c>refused</c>, or <c>failed</c> for a 5xx AuthProxy answered), reason,
/// status, duration, client address, trace id and, for a refusal, the message the client got.
/// It never holds a credential: the path is escaped and GridGain's token path shows its template,
/// and messages show tokens masked. Health probes and <c>/metrics</c> are not logged.
/// </summary>
internal sealed partial class AccessLogMiddleware
{
    public const string Category = "AuthProxy.Access";

    private const int MaxPathLength = 512;

    private static readonly string[] Probes = ["/healthz", "/readyz", TelemetrySetup.MetricsPath];

    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LogLevel _level;
    private readonly EvenSampler _allowed;
    private readonly EvenSampler _refused;

    public AccessLogMiddleware(RequestDelegate next, ILoggerFactory loggers, TimeProvider time, IOptions<AccessLogOptions> options)
    {
        _next = next;
        _logger = loggers.CreateLogger(Category);
        _time = time;
        _level = options.Value.Level;
        _allowed = new EvenSampler(options.Value.AllowedSampleRate);
        _refused = new EvenSampler(options.Value.RefusedSampleRate);
    }

    public Task InvokeAsync(HttpContext context) =>
        _level == LogLevel.None || !_logger.IsEnabled(_level) || Probes.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase)
            ? _next(context)
            : LogAsync(context);

    private async Task LogAsync(HttpContext context)
    {
        var started = _time.GetTimestamp();
        try
        {
            await _next(context);
        }
        finally
        {
            Write(context, _time.GetElapsedTime(started));
        }
    }

    private void Write(HttpContext context, TimeSpan elapsed)
    {
        var refusal = context.Features.Get<WrittenRefusal>()?.Refusal;
        if (!(refusal is null ? _allowed : _refused).Take())
        {
            return;
        }

        var request = context.Request;
        var caller = CallerIdentity.From(context.User);
        var decision = RequestDecision.Of(context);
        var graph = decision?.RequestedGraph ?? decision?.Allowed?.Graph ?? caller?.TokenGraph;
        var scheme = caller?.Scheme ?? AuthorizationHeader.SchemeOf(request.Headers.Authorization);
        var path = TelemetrySetup.ShownPath(request);
        var shownPath = path.Length > MaxPathLength ? path[..MaxPathLength] + "…" : path;
        var result = refusal is null ? "allowed" : refusal.Value.Status >= StatusCodes.Status500InternalServerError ? "failed" : "refused";
        var route = DecisionTelemetry.RouteOf(context);
        var shownGraph = graph is null ? "-" : Denials.Show(graph);
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "-";
        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        var durationMs = Math.Round(elapsed.TotalMilliseconds, 2);
        Log.Request(_logger, _level, request.Method, shownPath, context.Response.StatusCode, result, refusal?.Reason ?? "none", route,
            caller?.User.Name ?? "-", scheme.Length == 0 ? "-" : scheme, shownGraph, client, durationMs, traceId, refusal?.Message ?? string.Empty);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RequestLogged,
            Message = "{Method} {Path} {Status} {Result} {Reason} route={Route} user={User} scheme={Scheme} graph={Graph} client={ClientAddress} duration_ms={DurationMs} trace={TraceId} {Detail}")]
        public static partial void Request(ILogger logger, LogLevel level, string method, string path, int status, string result, string reason,
            string route, string user, string scheme, string graph, string clientAddress, double durationMs, string traceId, string detail);
    }
}
