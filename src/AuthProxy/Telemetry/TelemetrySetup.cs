using System.Diagnostics;
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

    private const string TokenInPathPrefix = "/management/v1/authentication/jwt";

    private static readonly string[] UntracedPaths = ["/healthz", "/readyz", MetricsPath];

    public static void AddAuthProxyTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var prometheus = configuration.GetValue($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Prometheus)}", true);
        var otlp = configuration.GetValue<bool?>($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Otlp)}")
            ?? !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var serviceName = configuration[$"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.ServiceName)}"] ?? "authproxy";

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(AuthProxyTelemetry.SourceName, "Yarp.ReverseProxy")
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context => !UntracedPaths.Contains(context.Request.Path.Value, StringComparer.Ordinal);
                    // GridGain's revoke-one-token path carries a whole token: never let it into a span.
                    options.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments(TokenInPathPrefix, StringComparison.OrdinalIgnoreCase))
                        {
                            activity.SetTag("url.path", TokenInPathPrefix + "/{token}");
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
                }))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AuthProxyMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (prometheus)
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

    public static void MapAuthProxyTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetValue($"{TelemetryOptions.SectionName}:{nameof(TelemetryOptions.Prometheus)}", true))
        {
            // Anonymous: with a management listener it is served there only (see ManagementListenerMiddleware).
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous().WithMetadata(Hosting.ManagementEndpoint.Only);
        }
    }
}
