using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AuthProxy.Telemetry;

/// <summary>
/// OpenTelemetry for AuthProxy: its own spans and meter, ASP.NET Core's, HttpClient's and YARP's
/// spans in the same trace, logs through the same pipeline; OTLP export when configured, and a
/// Prometheus scrape endpoint at <c>GET /metrics</c>.
/// </summary>
internal static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>The runtime's built-in meter: GC, heap, working set, CPU time, thread pool.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>GridGain's revoke-one-token path: what follows it is a whole token.</summary>
    internal const string TokenInPathPrefix = "/management/v1/authentication/jwt";

    /// <summary>ASP.NET Core's own meters: requests (<c>http.server.*</c>), connections, routing, exceptions.</summary>
    private static readonly string[] AspNetCoreMeterNames =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics"];

    /// <summary>
    /// Per-request instruments left out of /metrics and OTLP: in-flight gauges (two updates a request
    /// each), HttpClient's open connections (a pooled connection turns active and idle again on every
    /// request, two updates) and routing's match attempts. <c>http.server.request.duration</c> and
    /// <c>http.client.request.duration</c> stay, with their counts; Kestrel's connection gauges stay.
    /// </summary>
    internal static readonly string[] PerRequestInstrumentsDropped =
        ["http.server.active_requests", "http.client.active_requests", "http.client.open_connections", "aspnetcore.routing.match_attempts"];

    private static readonly string[] UntracedPaths = ["/healthz", "/readyz", MetricsPath];

    /// <summary>
    /// Instruments labelled with what the routes file names as freely as it likes (routes,
    /// clusters) or with the backends' addresses (every <c>http.client.*</c>): they keep the SDK's
    /// default limit, 2000 series each.
    /// </summary>
    internal static readonly string[] OpenEndedInstruments = [.. AuthProxyMetrics.LabelledByRouteOrCluster, "http.server.request.duration"];

    /// <summary>
    /// The series an instrument of a short, fixed set of tags may have (token families, budgets,
    /// key sources, GC generations, Kestrel's listeners). The SDK sets aside memory for every
    /// series an instrument may have: the default of 2000 for each of some sixty instruments kept
    /// about 5 MB more resident, for series no deployment fills.
    /// </summary>
    internal const int BoundedInstrumentSeries = 100;

    /// <summary>The one view of every instrument: per-request instruments nobody reads dropped, the others' series bounded.</summary>
    private static MetricStreamConfiguration? StreamOf(Instrument instrument) =>
        PerRequestInstrumentsDropped.Contains(instrument.Name, StringComparer.Ordinal) ? MetricStreamConfiguration.Drop
        : OpenEndedInstruments.Contains(instrument.Name, StringComparer.Ordinal) || instrument.Name.StartsWith("http.client.", StringComparison.Ordinal) ? null
        : new MetricStreamConfiguration { CardinalityLimit = BoundedInstrumentSeries };

    /// <summary>
    /// Adds OpenTelemetry as <see cref="TelemetryOptions"/> say. The options are bound here, once,
    /// because they decide what is registered; the same instance is what <see cref="IOptions{TOptions}"/> serves.
    /// </summary>
    public static void AddAuthProxyOpenTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.TryAddSingleton(Options.Create(options));
        var otlp = options.Otlp ?? !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()));

        // Spans nobody receives would cost every request (three activities, their tags, the SDK's
        // processing): they are recorded only when they go somewhere. Trace context is forwarded either way.
        if (options.Tracing ?? otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(AuthProxyTelemetry.SourceName, "Yarp.ReverseProxy")
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context => !UntracedPaths.Contains(context.Request.Path.Value, StringComparer.Ordinal);
                    // GridGain's revoke-one-token path carries a whole token: never let it into a span.
                    options.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments(TokenInPathPrefix, StringComparison.OrdinalIgnoreCase))
                        {
                            activity.SetTag("url.path", ShownPath(request));
                        }
                    };
                })
                // AuthProxy's own outgoing calls always run under a span of its own (forwarding, key fetch):
                // a call with no parent is not AuthProxy's (for example another component in the same process).
                .AddHttpClientInstrumentation(options =>
                {
                    options.FilterHttpRequestMessage = _ => Activity.Current?.Parent is not null;
                    // System.Net.Http masks the query and drops user info by default, unless
                    // DOTNET_SYSTEM_NET_HTTP_DISABLEURIREDACTION turns that off; a key URL may be signed,
                    // so url.full is AuthProxy's redaction whatever the switch says.
                    options.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (request.RequestUri is { } url)
                        {
                            activity.SetTag("url.full", Configuration.UrlRedaction.Redact(url));
                        }
                    };
                }));
        }

        telemetry
            .WithMetrics(metrics =>
            {
                // System.Runtime: .NET's own process, memory and GC instruments (observed at collection only).
                // ASP.NET Core's meters are named rather than added with AddAspNetCoreInstrumentation,
                // whose startup filter wraps every request in one more awaited step to tag error.type.
                metrics.AddMeter(AuthProxyMetrics.MeterName, RuntimeMeterName).AddMeter(AspNetCoreMeterNames).AddHttpClientInstrumentation();
                // Instruments measured on every request that no panel reads are not collected, so
                // they are not measured at all: request durations count the requests already.
                metrics.AddView(StreamOf);

                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            })
            .WithLogging(logging => { }, options =>
            {
                // Scopes are left out: ASP.NET Core's request scope holds the request path, which
                // on GridGain's revoke-one-token route is a whole token. Trace context is kept anyway.
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            });

        if (otlp)
        {
            // Endpoint, protocol and headers come from the standard OTEL_EXPORTER_OTLP_* variables.
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>
    /// The request's path as telemetry may show it: escaped (no control character reaches a log
    /// line), without the query, and with GridGain's revoke-one-token path as its template.
    /// </summary>
    internal static string ShownPath(HttpRequest request)
    {
        if (request.Path.StartsWithSegments(TokenInPathPrefix, StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue && rest.Value != "/")
        {
            return request.PathBase.ToUriComponent() + TokenInPathPrefix + "/{token}";
        }

        return request.PathBase.ToUriComponent() + request.Path.ToUriComponent();
    }

    /// <summary>Maps <c>GET /metrics</c> (anonymous) when <see cref="TelemetryOptions.Prometheus"/> is on; null when it is off.</summary>
    public static IEndpointConventionBuilder? MapAuthProxyTelemetry(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus
            ? app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous()
            : null;
}
