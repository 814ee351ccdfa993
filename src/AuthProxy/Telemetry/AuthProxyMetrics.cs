using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace AuthProxy.Telemetry;

/// <summary>
/// AuthProxy's <see cref="Meter"/> (<c>AuthProxy</c>) and its instruments, named, described and
/// given units once. Prometheus sees them as <c>authproxy_decisions_total</c>,
/// <c>authproxy_decision_duration_seconds</c>, and so on (the README lists them). Features report
/// here with plain values (as YARP's forwarder telemetry is fed); the gauges read what the features
/// that own the state hand over (<see cref="ObserveKeySources"/>, <see cref="ObserveRevocations"/>).
/// </summary>
internal sealed class AuthProxyMetrics
{
    public const string MeterName = "AuthProxy";

    private readonly ConcurrentDictionary<DecisionKey, StrongBox<long>> _decisionCounts = new(DecisionKey.Comparer);
    private long _decisionsOverflow;
    private readonly Histogram<double> _decisionDuration;
    private readonly Counter<long> _keyFetches;
    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _tokensRevoked;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _passwordHashes;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _upstreamTlsFailures;
    private Func<int> _dangerousClusters = () => 0;
    private Func<IEnumerable<KeySourceReading>> _keySources = () => [];
    private Func<int> _revocations = () => 0;
    private Func<VerifiedTokenReading> _verifiedTokens = () => default;
    private Func<(bool Available, int Instances)>? _store;
    private readonly Histogram<double> _storeChangeDelay;
    private TimeProvider _time = TimeProvider.System;

    private const string DecisionsName = "authproxy.decisions";
    private const string DecisionDurationName = "authproxy.decision.duration";
    private const string UpstreamDurationName = "authproxy.upstream.duration";
    private const string UpstreamTlsFailuresName = "authproxy.upstream.tls_failures";
    private const string DangerousCertificatesName = "authproxy.upstream.dangerous_certificates";

    /// <summary>The instruments labelled by route or cluster, which the routes file names as freely as it likes.</summary>
    internal static readonly string[] LabelledByRouteOrCluster =
        [DecisionsName, DecisionDurationName, UpstreamDurationName, UpstreamTlsFailuresName, DangerousCertificatesName];

    /// <summary>
    /// The series <c>authproxy.decisions</c> counts apart, as the SDK's default limit for an
    /// instrument labelled by route; beyond it, decisions count into one overflow series.
    /// </summary>
    internal const int MaxDecisionSeries = 2000;

    public AuthProxyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        // Counted here and observed when collected: a decision costs one look-up and an
        // increment, not the SDK's hashing of three tags on every request.
        meter.CreateObservableCounter(DecisionsName, ObserveDecisions, unit: "{decision}",
            description: "Authorization decisions, by route, result (allowed, refused) and reason (the refusal's reason word; none when allowed).");
        _decisionDuration = meter.CreateHistogram<double>(DecisionDurationName, unit: "s",
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
        meter.CreateObservableGauge("authproxy.revocations", () => _revocations(), unit: "{token}",
            description: "Revoked and blocked tokens held in memory (until their tokens expire).");
        _throttled = meter.CreateCounter<long>("authproxy.throttled", unit: "{attempt}",
            description: "Password, login, secret and token-check attempts refused by throttling, by budget (account, address, capacity, hashing).");
        _passwordHashes = meter.CreateCounter<long>("authproxy.password.hashes", unit: "{hash}",
            description: "Password hashes computed (attempts not answered from the remembered-password cache).");
        meter.CreateObservableGauge("authproxy.store.available", () => _store is { } read ? (read().Available ? 1 : 0) : 1, unit: "{store}",
            description: "1 while the store answers, 0 while it does not (decisions go on from memory; token services answer 503).");
        meter.CreateObservableGauge("authproxy.store.instances", () => _store is { } read ? read().Instances : 1, unit: "{instance}",
            description: "Instances sharing the store, from their heartbeats (1 with the embedded store).");
        _storeChangeDelay = meter.CreateHistogram<double>("authproxy.store.change.delay", unit: "s",
            description: "Time from a change's commit on any instance (revocation, block, unblock, signing key) to its application on this one, by kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10] });
        _upstreamDuration = meter.CreateHistogram<double>(UpstreamDurationName, unit: "s",
            description: "Time from forwarding a request to the backend's answer (or failure), by cluster and outcome (status class or error).");
        _upstreamTlsFailures = meter.CreateCounter<long>(UpstreamTlsFailuresName, unit: "{failure}",
            description: "TLS connections to backends that failed, by cluster and cause (untrusted-chain, name-mismatch, expired, not-yet-valid, no-certificate, client-certificate-refused, handshake).");
        meter.CreateObservableCounter("authproxy.verified_tokens.lookups", ObserveVerifiedTokenLookups, unit: "{lookup}",
            description: "Look-ups of a request's token among the tokens already verified, by result: hit (decided without a signature check) or miss (checked in full).");
        meter.CreateObservableGauge("authproxy.verified_tokens.entries", () => _verifiedTokens().Entries, unit: "{token}",
            description: "Tokens remembered as verified.");
        meter.CreateObservableGauge("authproxy.verified_tokens.size", () => _verifiedTokens().Size, unit: "{char}",
            description: "What the remembered tokens count against AuthProxy:Limits:VerifiedTokenCharacters: each token's length plus 256.");
        meter.CreateObservableGauge(DangerousCertificatesName, () => _dangerousClusters(), unit: "{cluster}",
            description: "Clusters in force that accept any certificate from their backends (HttpClient:DangerousAcceptAnyServerCertificate, allowed by AuthProxy:Upstream:AllowDangerousCertificates).");
    }

    /// <summary>Lets the key gauges read the key sources' state (from the feature that owns them).</summary>
    public void ObserveKeySources(Func<IEnumerable<KeySourceReading>> read, TimeProvider time)
    {
        _keySources = read;
        _time = time;
    }

    /// <summary>Lets the revocations gauge read how many revocations and blocks are in force.</summary>
    public void ObserveRevocations(Func<int> count) => _revocations = count;

    /// <summary>Lets the verified-token instruments read the cache's counts.</summary>
    public void ObserveVerifiedTokens(Func<VerifiedTokenReading> read) => _verifiedTokens = read;

    private IEnumerable<Measurement<long>> ObserveVerifiedTokenLookups()
    {
        var reading = _verifiedTokens();
        return
        [
            new Measurement<long>(reading.Hits, new KeyValuePair<string, object?>("result", "hit")),
            new Measurement<long>(reading.Misses, new KeyValuePair<string, object?>("result", "miss")),
        ];
    }

    private void CountDecision(DecisionKey key)
    {
        if (!_decisionCounts.TryGetValue(key, out var count))
        {
            if (_decisionCounts.Count >= MaxDecisionSeries)
            {
                Interlocked.Increment(ref _decisionsOverflow);
                return;
            }

            count = _decisionCounts.GetOrAdd(key, static _ => new StrongBox<long>());
        }

        Interlocked.Increment(ref count.Value);
    }

    private IEnumerable<Measurement<long>> ObserveDecisions()
    {
        foreach (var (key, count) in _decisionCounts)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), new KeyValuePair<string, object?>("route", key.Route),
                new KeyValuePair<string, object?>("result", key.Result), new KeyValuePair<string, object?>("reason", key.Reason));
        }

        if (Volatile.Read(ref _decisionsOverflow) is var overflow and > 0)
        {
            yield return new Measurement<long>(overflow, new KeyValuePair<string, object?>("otel.metric.overflow", true));
        }
    }

    /// <summary>Lets the store gauges read whether the store answers and how many instances share it.</summary>
    public void ObserveStore(Func<(bool Available, int Instances)> read) => _store = read;

    /// <summary>A change committed on some instance was applied here <paramref name="delay"/> after its commit.</summary>
    public void StoreChangeApplied(string kind, TimeSpan delay) =>
        _storeChangeDelay.Record(Math.Max(0, delay.TotalSeconds), new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Lets the dangerous-certificates gauge count the clusters in force that accept any certificate.</summary>
    public void ObserveDangerousClusters(Func<int> count) => _dangerousClusters = count;

    public void Decided(string route, string result, string reason, TimeSpan elapsed)
    {
        CountDecision(new DecisionKey(route, result, reason));
        _decisionDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("result", result));
    }

    public void KeyFetched(string source, string outcome) =>
        _keyFetches.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="family">The issuing service's tag: <c>gsql</c>, <c>gridgain</c> or <c>personal</c>.</param>
    public void TokenIssued(string family) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("family", family));

    /// <param name="family">The family's tag, or <c>all</c> for a user-wide revocation.</param>
    public void TokensRevoked(string family, int count)
    {
        if (count > 0)
        {
            _tokensRevoked.Add(count, new KeyValuePair<string, object?>("family", family));
        }
    }

    public void Throttled(string budget) => _throttled.Add(1, new KeyValuePair<string, object?>("budget", budget));

    public void PasswordHashed() => _passwordHashes.Add(1);

    /// <param name="cause">The failure's cause word (<c>untrusted-chain</c>, <c>client-certificate-refused</c>, ...).</param>
    public void UpstreamTlsFailed(string cluster, string cause) =>
        _upstreamTlsFailures.Add(1, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("cause", cause));

    public void Forwarded(string cluster, string outcome, TimeSpan elapsed) =>
        _upstreamDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("cluster", cluster), new KeyValuePair<string, object?>("outcome", outcome));

    private IEnumerable<Measurement<int>> ObserveKeyCounts() =>
        _keySources().Select(s => new Measurement<int>(s.Keys, new KeyValuePair<string, object?>("source", s.Source)));

    private IEnumerable<Measurement<double>> ObserveKeyAges()
    {
        var now = _time.GetUtcNow();
        return _keySources().Where(s => s.LoadedAt is not null)
            .Select(s => new Measurement<double>((now - s.LoadedAt!.Value).TotalSeconds, new KeyValuePair<string, object?>("source", s.Source)));
    }
}

/// <summary>One series of <c>authproxy.decisions</c>.</summary>
internal readonly record struct DecisionKey(string Route, string Result, string Reason)
{
    /// <summary>
    /// How the counts are looked up on every decision. Its values are AuthProxy's own: route ids from
    /// the routes file, results and reasons from fixed lists, never a client's words. So a plain
    /// FNV-1a over their characters does, where the default comparer hashes each of the three with
    /// the randomised string hash, and the same string, as on every request of a route, compares
    /// equal by reference.
    /// </summary>
    public static IEqualityComparer<DecisionKey> Comparer { get; } = new KeyComparer();

    private sealed class KeyComparer : IEqualityComparer<DecisionKey>
    {
        public bool Equals(DecisionKey x, DecisionKey y) => Same(x.Route, y.Route) && Same(x.Result, y.Result) && Same(x.Reason, y.Reason);

        public int GetHashCode(DecisionKey key) => (int)Hash(Hash(Hash(2166136261u, key.Route), key.Result), key.Reason);

        private static bool Same(string x, string y) => ReferenceEquals(x, y) || string.Equals(x, y, StringComparison.Ordinal);

        private static uint Hash(uint hash, string text)
        {
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return (hash ^ 0xFF) * 16777619u; // ends each part, so ("ab", "c") and ("a", "bc") differ
        }
    }
}
