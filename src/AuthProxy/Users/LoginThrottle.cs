using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AuthProxy.Configuration;
using Microsoft.Extensions.Options;

namespace AuthProxy.Users;

/// <summary>
/// Throttles failed password and secret attempts per account and per client address, with
/// sliding-window rate limiters (System.Threading.RateLimiting) counting failures only. When either
/// budget is spent, attempts are refused (429) until the window slides: a lock-out never lasts
/// longer than the window, and a user's own address keeps its budget when another address is
/// guessing. The windows slide on <see cref="TimeProvider"/> ticks, so tests drive them.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private const int Segments = 6;
    private const int MaxTracked = 100_000;

    private readonly ThrottlingOptions _options;
    private readonly ConcurrentDictionary<string, SlidingWindowRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ITimer _slide;

    public LoginThrottle(IOptions<ThrottlingOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _slide = time.CreateTimer(_ => Slide(), null, _options.Window / Segments, _options.Window / Segments);
    }

    /// <summary>How long a refused caller should wait: at most one window.</summary>
    public TimeSpan RetryAfter => _options.Window;

    /// <summary>Whether the account or the address has no failed attempts left in the window.</summary>
    public bool IsThrottled(string? account, string? address) =>
        Spent(AccountKey(account)) || Spent(AddressKey(address));

    public void RecordFailure(string? account, string? address)
    {
        Spend(AccountKey(account), _options.AccountFailures);
        Spend(AddressKey(address), _options.AddressFailures);
    }

    private static string? AccountKey(string? account) => string.IsNullOrEmpty(account) ? null : "account:" + account;

    private static string? AddressKey(string? address) => string.IsNullOrEmpty(address) ? null : "address:" + address;

    private bool Spent(string? key) =>
        key is not null && _limiters.TryGetValue(key, out var limiter) && limiter.GetStatistics()?.CurrentAvailablePermits == 0;

    private void Spend(string? key, int budget)
    {
        if (key is null || (_limiters.Count >= MaxTracked && !_limiters.ContainsKey(key)))
        {
            return; // the address budget still applies when too many account names are in play
        }

        var limiter = _limiters.GetOrAdd(key, _ => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = budget,
            Window = _options.Window,
            SegmentsPerWindow = Segments,
            QueueLimit = 0,
            AutoReplenishment = false,
        }));
        try
        {
            using var lease = limiter.AttemptAcquire();
        }
        catch (ObjectDisposedException)
        {
            // The window slid and dropped this idle limiter at the same moment: count on a fresh one.
            _limiters.TryRemove(new KeyValuePair<string, SlidingWindowRateLimiter>(key, limiter));
            Spend(key, budget);
        }
    }

    private void Slide()
    {
        foreach (var (key, limiter) in _limiters)
        {
            limiter.TryReplenish();
            var statistics = limiter.GetStatistics();
            if (statistics is not null && statistics.CurrentAvailablePermits >= PermitLimit(key) && _limiters.TryRemove(key, out var idle))
            {
                idle.Dispose(); // a full budget is the same as no entry
            }
        }
    }

    private int PermitLimit(string key) => key.StartsWith("account:", StringComparison.Ordinal) ? _options.AccountFailures : _options.AddressFailures;

    public void Dispose()
    {
        _slide.Dispose();
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
