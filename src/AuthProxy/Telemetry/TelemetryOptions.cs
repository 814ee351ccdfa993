namespace AuthProxy.Telemetry;

/// <summary><c>AuthProxy:Telemetry</c>: where telemetry goes.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "AuthProxy:Telemetry";

    /// <summary>Whether <c>GET /metrics</c> serves the metrics in Prometheus format (on the management listener when <c>AuthProxy:Management:Urls</c> is set).</summary>
    /// <value>The default value is true.</value>
    public bool Prometheus { get; set; } = true;

    /// <summary>Whether traces, metrics and logs are exported over OTLP (configured by the standard <c>OTEL_EXPORTER_OTLP_*</c> variables).</summary>
    /// <value>The default value is: when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</value>
    public bool? Otlp { get; set; }

    /// <summary>
    /// Whether AuthProxy records spans (its own, ASP.NET Core's, HttpClient's and YARP's). Off, none
    /// is recorded or processed; trace context still flows: ASP.NET Core starts an activity for each
    /// request (from the client's <c>traceparent</c> when it sent one), HttpClient forwards it to the
    /// backend, and the access line names its trace id.
    /// </summary>
    /// <value>The default value is: on when traces are exported (<see cref="Otlp"/>).</value>
    public bool? Tracing { get; set; }

    /// <summary>
    /// Whether HttpClient's own instruments (<c>http.client.request.duration</c> and the connection
    /// instruments) also measure the requests forwarded to backends. Off, a forwarded request is
    /// measured once, by <c>authproxy.upstream.duration</c> (by cluster and outcome), and
    /// HttpClient's instruments measure AuthProxy's other outgoing calls (key fetches). On, every
    /// forwarded request costs a second histogram update, by backend address.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool ForwardedHttpClientMetrics { get; set; }

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    /// <value>The default value is <c>authproxy</c>.</value>
    public string ServiceName { get; set; } = "authproxy";
}
