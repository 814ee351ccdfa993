using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Policy;
using Microsoft.Extensions.Options;

namespace AuthProxy.Limits;

/// <summary>
/// Applies a policy's <c>RateLimit</c> and <c>Concurrency</c> to an authorized request, before it
/// is forwarded: concurrency first (a request refused for concurrency uses no permit), then the
/// rate. Each instance enforces its <see cref="FleetShare"/> of a limit, from memory.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's <c>PartitionedRateLimiter</c> was not used: it keeps every
/// partition it has seen until an idle timer removes it (an attacker rotating addresses grows it
/// without bound between sweeps), allocates a lease per request, and cannot change a partition's
/// permits as the fleet grows or shrinks. The tables here are bounded and allocate nothing per request.
/// </remarks>
internal sealed class RouteLimits(IOptions<LimitsOptions> options, FleetShare share, TimeProvider time)
{
    private readonly int _capacity = options.Value.PartitionsPerPolicy;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PolicyLimiter> _byPolicy = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Admits the request or says why not. On admission, <paramref name="slot"/> counts it in
    /// flight until disposed (a no-op slot when the policy has no <c>Concurrency</c>).
    /// </summary>
    public Refusal? TryAdmit(HttpContext http, AuthPolicyDefinition definition, ForwardedIdentity identity, out ConcurrencySlot slot)
    {
        slot = default;
        var limiter = definition.Limiter ?? Find(definition);
        if (limiter.Concurrency is { } concurrency)
        {
            var key = KeyOf(http, identity, concurrency.By);
            var max = share.Of(concurrency.Max);
            if (!limiter.InFlight!.TryEnter(key, max))
            {
                return Denials.ConcurrencyLimited(concurrency.By.Kind, max);
            }

            slot = new ConcurrencySlot(limiter.InFlight, key);
        }

        if (limiter.Rate is { } rate)
        {
            var key = KeyOf(http, identity, rate.By);
            var window = (long)(rate.Window.TotalSeconds * time.TimestampFrequency);
            if (!limiter.Rates!.TryTake(key, share.Of(rate.Permits), window, time.GetTimestamp(), out var wait))
            {
                slot.Dispose();
                slot = default;
                return Denials.RateLimited(rate.By.Kind, TimeSpan.FromSeconds((double)wait / time.TimestampFrequency));
            }
        }

        return null;
    }

    /// <summary>
    /// The partition of a request. A request without the value its limit counts by (no graph, a
    /// caller without the claim or with an array there) is counted by its address, never unlimited.
    /// </summary>
    internal static PartitionKey KeyOf(HttpContext http, ForwardedIdentity identity, PartitionBy by)
    {
        switch (by.Kind)
        {
            case PartitionKind.User:
                return PartitionKey.Text(identity.Caller.User.Name);
            case PartitionKind.Graph when identity.Graph is { } graph:
                return PartitionKey.Text(graph);
            case PartitionKind.Claim when identity.Caller.TokenClaims?.Get(by.ClaimName!) is { IsString: true } claim:
                return PartitionKey.Text(claim.Values[0]);
            default:
                return PartitionKey.Address(http.Connection.RemoteIpAddress);
        }
    }

    private PolicyLimiter Find(AuthPolicyDefinition definition)
    {
        lock (_gate)
        {
            if (definition.Limiter is { } found)
            {
                return found;
            }

            _byPolicy.TryGetValue(definition.Name, out var previous);
            var rates = definition.RateLimit is null ? null
                : previous?.Rate?.By == definition.RateLimit.By && previous.Rates is { } kept ? kept : new RateLimitTable(_capacity);
            var inFlight = definition.Concurrency is null ? null
                : previous?.Concurrency?.By == definition.Concurrency.By && previous.InFlight is { } keptFlight ? keptFlight : new ConcurrencyTable(_capacity);
            var limiter = new PolicyLimiter(definition.RateLimit, rates, definition.Concurrency, inFlight);
            _byPolicy[definition.Name] = limiter;
            definition.Limiter = limiter;
            return limiter;
        }
    }
}
