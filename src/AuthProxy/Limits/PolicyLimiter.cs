namespace AuthProxy.Limits;

/// <summary>
/// The tables behind one policy's <c>RateLimit</c> and <c>Concurrency</c>. A routes reload that
/// keeps a limit's <c>By</c> keeps its table (the new permits or maximum apply from the next
/// request), so a reload neither forgives used permits nor forgets requests in flight.
/// </summary>
internal sealed class PolicyLimiter(RateLimitSetting? rate, RateLimitTable? rates, ConcurrencySetting? concurrency, ConcurrencyTable? inFlight)
{
    public RateLimitSetting? Rate { get; } = rate;

    public RateLimitTable? Rates { get; } = rates;

    public ConcurrencySetting? Concurrency { get; } = concurrency;

    public ConcurrencyTable? InFlight { get; } = inFlight;
}
