using System.Collections.Concurrent;
using AuthProxy.Configuration;
using Microsoft.Extensions.Options;

namespace AuthProxy.Users;

/// <summary>
/// Throttles failed password and secret attempts per account and per client address. Failures are
/// counted in sliding windows (six segments); when either budget is spent, attempts are refused
/// (429) until the window slides. A lock-out never lasts longer than the window, and a user's own
/// address keeps its budget while another address is guessing. Windows follow
/// <see cref="TimeProvider"/> (System.Threading.RateLimiting's limiters read the stopwatch
/// directly, so they could not be driven by the same clock as everything else).
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private const int Segments = 6;
    private const int MaxTracked = 100_000;

    private readonly ThrottlingOptions _options;
    private readonly TimeProvider _time;
    private readonly long _segmentTicks;
    private readonly ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly ITimer _sweep;

    private readonly Telemetry.AuthProxyMetrics _metrics;

    public LoginThrottle(IOptions<ThrottlingOptions> options, TimeProvider time, Telemetry.AuthProxyMetrics metrics)
    {
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _segmentTicks = Math.Max(1, _options.Window.Ticks / Segments);
        _sweep = time.CreateTimer(_ => Sweep(), null, _options.Window, _options.Window);
    }

    /// <summary>How long a refused caller should wait: at most one window.</summary>
    public TimeSpan RetryAfter => _options.Window;

    /// <summary>Whether the account or the address has spent its failed attempts in the window.</summary>
    public bool IsThrottled(string? account, string? address)
    {
        var segment = Segment();
        if (Spent(AccountKey(account), _options.AccountFailures, segment))
        {
            _metrics.Throttled("account");
            return true;
        }

        if (Spent(AddressKey(address), _options.AddressFailures, segment))
        {
            _metrics.Throttled("address");
            return true;
        }

        return false;
    }

    public void RecordFailure(string? account, string? address)
    {
        var segment = Segment();
        Record(AccountKey(account), segment);
        Record(AddressKey(address), segment);
    }

    private long Segment() => _time.GetUtcNow().UtcTicks / _segmentTicks;

    private static string? AccountKey(string? account) => string.IsNullOrEmpty(account) ? null : "account:" + account;

    private static string? AddressKey(string? address) => string.IsNullOrEmpty(address) ? null : "address:" + address;

    private bool Spent(string? key, int budget, long segment) =>
        key is not null && _windows.TryGetValue(key, out var window) && window.Count(segment) >= budget;

    private void Record(string? key, long segment)
    {
        if (key is null || (_windows.Count >= MaxTracked && !_windows.ContainsKey(key)))
        {
            return; // the address budget still applies when too many account names are in play
        }

        _windows.GetOrAdd(key, _ => new FailureWindow()).Add(segment);
    }

    private void Sweep()
    {
        var segment = Segment();
        foreach (var (key, window) in _windows)
        {
            if (window.Count(segment) == 0)
            {
                _windows.TryRemove(new KeyValuePair<string, FailureWindow>(key, window));
            }
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>Failures per segment over the last <see cref="Segments"/> segments.</summary>
    private sealed class FailureWindow
    {
        private readonly int[] _counts = new int[Segments];
        private readonly Lock _lock = new();
        private long _latest = long.MinValue;

        public void Add(long segment)
        {
            lock (_lock)
            {
                Slide(segment);
                _counts[segment % Segments]++;
            }
        }

        public int Count(long segment)
        {
            lock (_lock)
            {
                Slide(segment);
                return _counts.Sum();
            }
        }

        private void Slide(long segment)
        {
            if (segment <= _latest)
            {
                return;
            }

            if (_latest == long.MinValue || segment - _latest >= Segments)
            {
                Array.Clear(_counts);
            }
            else
            {
                for (var s = _latest + 1; s <= segment; s++)
                {
                    _counts[s % Segments] = 0;
                }
            }

            _latest = segment;
        }
    }
}
