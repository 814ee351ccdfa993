using System.Net;
using System.Net.Sockets;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace AuthProxy.Users;

/// <summary>
/// Budgets for password, login and secret attempts, counted in sliding windows (six segments) per
/// client address, per account from one address, and per account from all addresses (from which
/// an address that recently logged in as that account is exempt). Declared and unknown names are
/// counted alike, so the answers never tell which names exist. An attempt reserves
/// one unit of every budget it touches before any hash is computed, atomically, so concurrent
/// attempts cannot overspend; a successful attempt gives its reservation back. Windows follow
/// <see cref="TimeProvider"/>. The tables are bounded: when full (after dropping entries with
/// nothing left in their window), attempts that would need a new entry are refused (fail closed)
/// until the window slides; attempts whose entries exist go on.
/// </summary>
/// <remarks>
/// Not a <c>MemoryCache</c>: its compaction evicts entries to make room, and an evicted budget is a
/// fresh budget, so an attacker who fills the table would reset the counts of the accounts they
/// attack. These tables refuse new entries when full instead (fail closed), which a cache cannot do.
/// </remarks>
internal sealed class LoginThrottle : IDisposable
{
    /// <summary>Account names longer than this are never tracked (callers refuse them as bad credentials).</summary>
    public const int MaxAccountLength = 256;

    /// <summary>How long a successful login exempts its address from the account-wide budget.</summary>
    public static readonly TimeSpan KnownAddressLifetime = TimeSpan.FromDays(1);

    private const int MaxTracked = 100_000;

    private readonly ThrottlingOptions _options;
    private readonly TimeProvider _time;
    private readonly AuthProxyMetrics _metrics;
    private readonly long _segmentTicks;
    private readonly Lock _gate = new();
    private readonly Dictionary<ThrottleKey, FailureWindow> _windows = [];
    private volatile int _tracked;
    private DateTimeOffset _lastCompaction = DateTimeOffset.MinValue;
    private int _addedSinceCompaction;
    private readonly Dictionary<string, KnownAddresses> _known = new(StringComparer.Ordinal);
    private readonly ITimer _sweep;

    private readonly SharedBudgets? _shared;
    private readonly Storage.StoreStatus? _status;

    public LoginThrottle(IOptions<ThrottlingOptions> options, TimeProvider time, AuthProxyMetrics metrics, SharedBudgets? shared = null,
        Storage.StoreStatus? status = null)
    {
        _shared = shared;
        _status = status;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _segmentTicks = Math.Max(1, _options.Window.Ticks / FailureWindow.Segments);
        var every = TimeSpan.FromTicks(_segmentTicks);
        _sweep = time.CreateTimer(_ => Sweep(), null, every, every);
    }

    /// <summary>How long a refused caller should wait: at most one window.</summary>
    public TimeSpan RetryAfter => _options.Window;

    /// <summary>How many windows are tracked now (bounded).</summary>
    public int Tracked
    {
        get
        {
            lock (_gate)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>
    /// Whether any budget this attempt would touch is spent, without reserving anything: checked
    /// before a remembered password is recognised, so a throttled caller learns nothing about a guess.
    /// </summary>
    public bool IsSpent(string? account, IPAddress? address)
    {
        if (_tracked == 0)
        {
            return false; // the common case: no failed attempt anywhere in the window
        }

        var (addressKey, accountKey, wideKey) = Keys(account, address);
        var segment = Segment();
        lock (_gate)
        {
            var spent = SpentBudget(addressKey, accountKey, wideKey, segment, out _);
            if (spent is not null)
            {
                _metrics.Throttled(spent);
            }

            return spent is not null;
        }
    }

    /// <summary>
    /// Reserves one attempt for <paramref name="account"/> (null when the attempt names none, as a
    /// secret does) from <paramref name="address"/>. Returns false, naming the
    /// spent budget, when any budget is spent or the tables are full.
    /// </summary>
    public bool TryBegin(string? account, IPAddress? address, out ThrottleAttempt attempt, out string? spent)
    {
        attempt = default;
        var (addressKey, accountKey, wideKey) = Keys(account, address);
        var segment = Segment();
        lock (_gate)
        {
            spent = SpentBudget(addressKey, accountKey, wideKey, segment, out var exempt);
            if (spent is null && !HasRoom(addressKey, accountKey, exempt ? null : wideKey))
            {
                spent = "capacity";
            }

            if (spent is not null)
            {
                _metrics.Throttled(spent);
                return false;
            }

            var keys = new[] { addressKey, accountKey ?? default, exempt ? default : wideKey ?? default };
            foreach (var key in keys)
            {
                if (key.Kind != 0)
                {
                    Window(key).Add(segment, 1);
                }
            }

            attempt = new ThrottleAttempt(keys, segment, accountKey is null ? null : account, addressKey.Address);
            return true;
        }
    }

    /// <summary>
    /// <see cref="TryBegin"/>, then (with a shared store that answers) the same reservation in the
    /// store. Null when a budget is spent here or in the store; a budget spent in the store is
    /// marked spent here too, so <see cref="IsSpent"/> refuses at once after.
    /// </summary>
    public async ValueTask<ThrottleAttempt?> BeginAsync(string? account, IPAddress? address, CancellationToken cancellationToken)
    {
        if (!TryBegin(account, address, out var attempt, out _))
        {
            return null;
        }

        if (_shared is null || _status is { Available: false })
        {
            return attempt;
        }

        var budgets = attempt.Keys!.Where(k => k.Kind != 0).Select(k => (SharedKey(k), Budget(k))).ToList();
        int spent;
        try
        {
            spent = await _shared.TryReserveAsync(budgets, attempt.Segment, cancellationToken);
        }
        catch (Storage.StoreUnavailableException)
        {
            return attempt; // the store is down: this instance's budgets alone
        }

        if (spent < 0)
        {
            return attempt with { Shared = true };
        }

        var key = attempt.Keys!.Where(k => k.Kind != 0).ElementAt(spent);
        Refund(attempt);
        lock (_gate)
        {
            // Spent elsewhere: spent here too, until the window slides.
            var window = Window(key);
            window.Add(attempt.Segment, Math.Max(0, Budget(key) - window.Count(attempt.Segment)));
        }

        _metrics.Throttled(key.Kind == 'a' ? "address" : "account");
        return null;
    }

    /// <summary>The attempt succeeded: <see cref="Succeeded"/>, and its unit given back in the shared store.</summary>
    public async ValueTask SucceededAsync(ThrottleAttempt attempt, CancellationToken cancellationToken)
    {
        Succeeded(attempt);
        await RefundSharedAsync(attempt, cancellationToken);
    }

    /// <summary>The attempt did not happen: <see cref="Abandon"/>, and its unit given back in the shared store.</summary>
    public async ValueTask AbandonAsync(ThrottleAttempt attempt, CancellationToken cancellationToken)
    {
        Abandon(attempt);
        await RefundSharedAsync(attempt, cancellationToken);
    }

    private async ValueTask RefundSharedAsync(ThrottleAttempt attempt, CancellationToken cancellationToken)
    {
        if (!attempt.Shared || _shared is null)
        {
            return;
        }

        try
        {
            await _shared.RefundAsync([.. attempt.Keys!.Where(k => k.Kind != 0).Select(SharedKey)], attempt.Segment, cancellationToken);
        }
        catch (Storage.StoreUnavailableException)
        {
            // The unit stays spent until the window slides: the safe side.
        }
    }

    private static string SharedKey(ThrottleKey key) => $"{key.Kind}|{key.Account}|{key.Address}";

    private int Budget(ThrottleKey key) => key.Kind switch
    {
        'a' => _options.AddressFailures,
        'u' => _options.AccountFailures,
        _ => _options.AccountWideFailures,
    };

    private static (ThrottleKey Address, ThrottleKey? Account, ThrottleKey? Wide) Keys(string? account, IPAddress? address)
    {
        var addressKey = AddressKey(address);
        var tracked = account is { Length: > 0 and <= MaxAccountLength };
        return (new ThrottleKey('a', null, addressKey),
            tracked ? new ThrottleKey('u', account, addressKey) : null,
            tracked ? new ThrottleKey('w', account, string.Empty) : null);
    }

    /// <summary>The attempt succeeded: its reservation is given back, and its address becomes known for the account.</summary>
    public void Succeeded(in ThrottleAttempt attempt)
    {
        Refund(attempt);
        if (attempt.Account is { } account)
        {
            lock (_gate)
            {
                if (!_known.TryGetValue(account, out var known))
                {
                    known = new KnownAddresses();
                    _known[account] = known;
                }

                known.Add(attempt.Address, _time.GetUtcNow());
            }
        }
    }

    /// <summary>The attempt did not happen (no hash was computed): its reservation is given back.</summary>
    public void Abandon(in ThrottleAttempt attempt) => Refund(attempt);

    private void Refund(in ThrottleAttempt attempt)
    {
        if (attempt.Keys is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var key in attempt.Keys)
            {
                if (key.Kind != 0 && _windows.TryGetValue(key, out var window))
                {
                    window.Add(attempt.Segment, -1);
                }
            }
        }
    }

    /// <summary>
    /// The first spent budget of an attempt (<c>address</c> or <c>account</c>), or null; the
    /// account-wide budget does not count for an address that logged in as the account lately
    /// (<paramref name="exempt"/>). Callers hold the lock.
    /// </summary>
    private string? SpentBudget(ThrottleKey address, ThrottleKey? account, ThrottleKey? wide, long segment, out bool exempt)
    {
        exempt = wide is { } known && IsKnown(known.Account!, address.Address);
        return Spent(address, _options.AddressFailures, segment, "address")
            ?? (account is { } a ? Spent(a, _options.AccountFailures, segment, "account") : null)
            ?? (wide is { } w && !exempt ? Spent(w, _options.AccountWideFailures, segment, "account") : null);
    }

    private string? Spent(ThrottleKey key, int budget, long segment, string name) =>
        _windows.TryGetValue(key, out var window) && window.Count(segment) >= budget ? name : null;

    /// <summary>
    /// Whether the entries this attempt needs exist or fit. When they do not, entries with nothing
    /// left in their window are dropped first (at most once a second), so only live entries fill it.
    /// </summary>
    private bool HasRoom(ThrottleKey address, ThrottleKey? account, ThrottleKey? wide)
    {
        var missing = (_windows.ContainsKey(address) ? 0 : 1)
            + (account is { } a && !_windows.ContainsKey(a) ? 1 : 0)
            + (wide is { } w && !_windows.ContainsKey(w) ? 1 : 0);
        if (_windows.Count + missing <= MaxTracked)
        {
            return true;
        }

        // A scan costs milliseconds: at most once a second, unless a tenth of the table was added since.
        var now = _time.GetUtcNow();
        if (now - _lastCompaction >= TimeSpan.FromSeconds(1) || _addedSinceCompaction >= MaxTracked / 10)
        {
            _lastCompaction = now;
            _addedSinceCompaction = 0;
            RemoveEmpty(Segment());
        }

        return _windows.Count + missing <= MaxTracked;
    }

    private void RemoveEmpty(long segment)
    {
        foreach (var (key, window) in _windows)
        {
            if (window.Count(segment) <= 0)
            {
                _windows.Remove(key);
            }
        }

        _tracked = _windows.Count;
    }

    private FailureWindow Window(ThrottleKey key)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            window = new FailureWindow();
            _windows[key] = window;
            _tracked = _windows.Count;
            _addedSinceCompaction++;
        }

        return window;
    }

    private bool IsKnown(string account, string address) =>
        _known.TryGetValue(account, out var known) && known.Contains(address, _time.GetUtcNow() - KnownAddressLifetime);

    private long Segment() => _time.GetUtcNow().UtcTicks / _segmentTicks;

    /// <summary>
    /// The address a budget is kept for: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64 network,
    /// which one host or one customer usually has whole.
    /// </summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private void Sweep()
    {
        var segment = Segment();
        var forgetBefore = _time.GetUtcNow() - KnownAddressLifetime;
        lock (_gate)
        {
            RemoveEmpty(segment);

            foreach (var (account, known) in _known)
            {
                if (known.Forget(forgetBefore))
                {
                    _known.Remove(account);
                }
            }
        }
    }

    public void Dispose() => _sweep.Dispose();
}
