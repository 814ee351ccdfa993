using System.Diagnostics.Metrics;

namespace AuthProxy.Telemetry;

/// <summary>
/// Gives every caller one meter whose name no listener subscribes to (AuthProxy's OpenTelemetry
/// names the meters it collects), whatever name the caller asks for. An HTTP handler given it
/// finds its instruments unobserved and skips measuring (see
/// <see cref="TelemetryOptions.ForwardedHttpClientMetrics"/>).
/// </summary>
internal sealed class UnobservedMeterFactory : IMeterFactory
{
    public const string MeterName = "AuthProxy.Unobserved";

    public static readonly UnobservedMeterFactory Instance = new();

    private readonly Meter _meter = new(MeterName);

    private UnobservedMeterFactory()
    {
    }

    public Meter Create(MeterOptions options) => _meter;

    public void Dispose()
    {
        // Shared by every handler for the life of the process.
    }
}
