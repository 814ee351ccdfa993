using System.Diagnostics.Metrics;

namespace AuthProxy.Telemetry;

/// <summary>AuthProxy's <see cref="Meter"/> and its instruments, named and described once.</summary>
internal sealed class AuthProxyMetrics
{
    public const string MeterName = "AuthProxy";

    private readonly Counter<long> _keyFetches;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _tokensRevoked;

    public AuthProxyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _keyFetches = meter.CreateCounter<long>("authproxy.key.fetches", unit: "{fetch}",
            description: "Key fetches from URLs, by key source and outcome (success, dns, connect, tls, http_status, timeout, circuit_open, too_large, redirect, parse, empty, other).");
        _tokensIssued = meter.CreateCounter<long>("authproxy.tokens.issued", unit: "{token}",
            description: "Tokens AuthProxy issued, by family (gsql, gridgain, personal).");
        _tokensRevoked = meter.CreateCounter<long>("authproxy.tokens.revoked", unit: "{token}",
            description: "Tokens revoked or blocked, by family (gsql, gridgain, personal, or all for a user-wide revocation).");
    }

    public void TokenIssued(Storage.TokenFamily family) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("family", FamilyTag(family)));

    public void TokensRevoked(Storage.TokenFamily? family, int count)
    {
        if (count > 0)
        {
            _tokensRevoked.Add(count, new KeyValuePair<string, object?>("family", family is { } f ? FamilyTag(f) : "all"));
        }
    }

    private static string FamilyTag(Storage.TokenFamily family) => family switch
    {
        Storage.TokenFamily.Gsql => "gsql",
        Storage.TokenFamily.GridGain => "gridgain",
        _ => "personal",
    };

    public void KeyFetched(string source, string outcome) =>
        _keyFetches.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));
}
