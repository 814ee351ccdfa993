using System.Diagnostics.Metrics;
using AuthProxy.Keys;
using AuthProxy.Storage;
using AuthProxy.Tokens;

namespace AuthProxy.Telemetry;

/// <summary>
/// AuthProxy's <see cref="Meter"/> (<c>AuthProxy</c>) and its instruments, named, described and
/// given units once. Prometheus sees them as <c>authproxy_decisions_total</c>,
/// <c>authproxy_decision_duration_seconds</c>, and so on (the README lists them).
/// </summary>
internal sealed class AuthProxyMetrics
{
    public const string MeterName = "AuthProxy";

    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _decisionDuration;
    private readonly Counter<long> _keyFetches;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _tokensRevoked;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _passwordHashes;
    private readonly Histogram<double> _upstreamDuration;
    private TrustedIssuers? _issuers;
    private TimeProvider _time = TimeProvider.System;

    public AuthProxyMetrics(IMeterFactory meters, RevocationList revocations)
    {
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("authproxy.decisions", unit: "{decision}",
            description: "Authorization decisions, by route, result (allowed, refused) and reason (the refusal's reason word; none when allowed).");
        _decisionDuration = meter.CreateHistogram<double>("authproxy.decision.duration", unit: "s",
            description: "Time to authenticate and authorize a request, by route and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _keyFetches = meter.CreateCounter<long>("authproxy.key.fetches", unit: "{fetch}",
            description: "Key fetches from URLs, by key source and outcome (success, dns, connect, tls, http_status, timeout, circuit_open, too_large, redirect, parse, empty, other).");
        meter.CreateObservableGauge("authproxy.keys.in_force", ObserveKeyCounts, unit: "{key}",
            description: "Verification keys in force, by key source.");
        meter.CreateObservableGauge("authproxy.keys.age", ObserveKeyAges, unit: "s",
            description: "Time since each key source's keys were last loaded, by key source.");
        _tokensIssued = meter.CreateCounter<long>("authproxy.tokens.issued", unit: "{token}",
            description: "Tokens AuthProxy issued, by family (gsql, gridgain, personal).");
        _tokensRevoked = meter.CreateCounter<long>("authproxy.tokens.revoked", unit: "{token}",
            description: "Tokens revoked or blocked, by family (gsql, gridgain, personal, or all for a user-wide revocation).");
        meter.CreateObservableGauge("authproxy.revocations", () => revocations.Count, unit: "{token}",
            description: "Revoked and blocked tokens held in memory (until their tokens expire).");
        _throttled = meter.CreateCounter<long>("authproxy.throttled", unit: "{attempt}",
            description: "Password, login, secret and token-check attempts refused by throttling, by budget (account, address, capacity, hashing).");
        _passwordHashes = meter.CreateCounter<long>("authproxy.password.hashes", unit: "{hash}",
            description: "Password hashes computed (attempts not answered from the remembered-password cache).");
        _upstreamDuration = meter.CreateHistogram<double>("authproxy.upstream.duration", unit: "s",
            description: "Time from forwarding a request to the backend's answer (or failure), by cluster and outcome (status class or error).");
    }

    /// <summary>Lets the key gauges read the providers once they exist (they depend on these metrics).</summary>
    public void ObserveKeys(TrustedIssuers issuers, TimeProvider time)
    {
        _issuers = issuers;
        _time = time;
    }

    public void Decided(string route, string result, string reason, TimeSpan elapsed)
    {
        _decisions.Add(1, new("route", route), new("result", result), new("reason", reason));
        _decisionDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("result", result));
    }

    public void KeyFetched(string source, string outcome) =>
        _keyFetches.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    public void TokenIssued(TokenFamily family) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("family", FamilyTag(family)));

    public void TokensRevoked(TokenFamily? family, int count)
    {
        if (count > 0)
        {
            _tokensRevoked.Add(count, new KeyValuePair<string, object?>("family", family is { } f ? FamilyTag(f) : "all"));
        }
    }

    public void Throttled(string budget) => _throttled.Add(1, new KeyValuePair<string, object?>("budget", budget));

    public void PasswordHashed() => _passwordHashes.Add(1);

    public void Forwarded(string cluster, string outcome, TimeSpan elapsed) =>
        _upstreamDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("outcome", outcome));

    public static string FamilyTag(TokenFamily family) => family switch
    {
        TokenFamily.Gsql => "gsql",
        TokenFamily.GridGain => "gridgain",
        _ => "personal",
    };

    private IEnumerable<Measurement<int>> ObserveKeyCounts() =>
        Sources().Select(s => new Measurement<int>(s.Current.Keys.Length, new KeyValuePair<string, object?>("source", s.Description)));

    private IEnumerable<Measurement<double>> ObserveKeyAges()
    {
        var now = _time.GetUtcNow();
        return Sources().Where(s => s.IsLoaded)
            .Select(s => new Measurement<double>((now - s.Current.LoadedAt).TotalSeconds, new KeyValuePair<string, object?>("source", s.Description)));
    }

    private IEnumerable<KeySource> Sources() => _issuers?.All.SelectMany(i => i.Sources) ?? [];
}
