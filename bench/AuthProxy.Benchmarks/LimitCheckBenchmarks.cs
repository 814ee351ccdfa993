using System.Net;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Limits;
using AuthProxy.Policy;
using AuthProxy.Storage;
using AuthProxy.Users;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuthProxy.Benchmarks;

/// <summary>
/// What a limited route adds to each request: a policy's <c>RateLimit</c> and <c>Concurrency</c>
/// checked for a partition that exists (the common case), end to end through
/// <see cref="RouteLimits.TryAdmit"/> and table by table, against a bare locked dictionary
/// look-up as the baseline. The permits are large, so every request is admitted and the table
/// state stays the same from one iteration to the next (windows of a millisecond refill faster
/// than the loop takes permits, so the admitted path is the one measured).
/// </summary>
[MemoryDiagnoser]
public class LimitCheckBenchmarks
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PartitionKey, long> _plain = [];
    private readonly RateLimitTable _rates = new(10_000);
    private readonly ConcurrencyTable _inFlight = new(10_000);
    private readonly PartitionKey _user = PartitionKey.Text("kevin");
    private readonly long _window = TimeProvider.System.TimestampFrequency / 1000; // 1 ms: refills faster than any loop takes
    private RouteLimits _limits = null!;
    private AuthPolicyDefinition _both = null!;
    private DefaultHttpContext _http = null!;
    private ForwardedIdentity _identity = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plain[_user] = 0;
        var status = new StoreStatus(TimeProvider.System);
        status.SetInstances(3, 1); // a fleet share is worked out on every check
        _limits = new RouteLimits(Options.Create(new LimitsOptions()), new FleetShare(status), TimeProvider.System);
        _both = new AuthPolicyDefinition("limited", [AuthSchemes.Bearer], graph: null, privileges: [], ErrorStyle.Restpp, forwardAuthorization: false)
        {
            RateLimit = new RateLimitSetting(1_000_000, TimeSpan.FromMilliseconds(1), new PartitionBy(PartitionKind.User)),
            Concurrency = new ConcurrencySetting(1_000, new PartitionBy(PartitionKind.Address)),
        };
        _http = new DefaultHttpContext();
        _http.Connection.RemoteIpAddress = IPAddress.Parse("2001:db8:1:2:3:4:5:6");
        var caller = new CallerIdentity(User.Undeclared("kevin"), AuthSchemes.Bearer, tokenGraph: null, tokenId: null, "eyJh****abcd");
        _identity = new ForwardedIdentity(caller, graph: null, _both);
        _rates.TryTake(_user, 1_000_000, _window, TimeProvider.System.GetTimestamp(), out _);
    }

    [Benchmark(Baseline = true, Description = "locked dictionary look-up (baseline)")]
    public long LockedLookup()
    {
        lock (_gate)
        {
            return _plain[_user];
        }
    }

    [Benchmark(Description = "RateLimit table: take a permit")]
    public bool RateTake() => _rates.TryTake(_user, 1_000_000, _window, TimeProvider.System.GetTimestamp(), out _);

    [Benchmark(Description = "Concurrency table: enter and exit")]
    public bool ConcurrencyEnterExit()
    {
        var entered = _inFlight.TryEnter(_user, 1_000);
        _inFlight.Exit(_user);
        return entered;
    }

    [Benchmark(Description = "address partition key (IPv6 /64)")]
    public int AddressKey() => PartitionKey.Address(_http.Connection.RemoteIpAddress).GetHashCode();

    [Benchmark(Description = "TryAdmit: rate by user + concurrency by address, slot released")]
    public bool Admit()
    {
        var refusal = _limits.TryAdmit(_http, _both, _identity, out var slot);
        slot.Dispose();
        return refusal is null;
    }
}
