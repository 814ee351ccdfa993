using System.Diagnostics.Metrics;

namespace AuthProxy.Telemetry;

/// <summary>AuthProxy's <see cref="Meter"/> and its instruments, named and described once.</summary>
internal sealed class AuthProxyMetrics
{
    public const string MeterName = "AuthProxy";

    private readonly Counter<long> _keyFetches;

    public AuthProxyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _keyFetches = meter.CreateCounter<long>("authproxy.key.fetches", unit: "{fetch}",
            description: "Key fetches from URLs, by key source and outcome (success, dns, connect, tls, http_status, timeout, circuit_open, too_large, redirect, parse, empty, other).");
    }

    public void KeyFetched(string source, string outcome) =>
        _keyFetches.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));
}
