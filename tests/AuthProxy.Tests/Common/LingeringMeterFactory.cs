using System.Diagnostics.Metrics;

namespace AuthProxy.Tests.Common;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters are never disposed, for service containers that share
/// the test process with running proxies. OpenTelemetry merges the instruments of same-named meters
/// into one stream per MeterProvider and drops that stream when any of those meters is disposed: a
/// container disposed in one test would otherwise take the <c>authproxy_*</c> series off the
/// <c>/metrics</c> of a proxy running in another.
/// </summary>
internal sealed class LingeringMeterFactory : IMeterFactory
{
    public Meter Create(MeterOptions options)
    {
        // The scope lets a MetricCollector built on this factory see this container's meters only.
        options.Scope = this;
        return new Meter(options);
    }

    public void Dispose()
    {
        // The meters stay: see the summary.
    }
}
