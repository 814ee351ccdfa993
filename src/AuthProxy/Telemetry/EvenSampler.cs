namespace AuthProxy.Telemetry;

/// <summary>
/// Takes a share of events spread evenly, without randomness: at rate 0.25, exactly one event in
/// four (the 4th, 8th, ...), so N events give exactly floor(N × rate). Safe across threads.
/// </summary>
internal sealed class EvenSampler(double rate)
{
    private long _seen;

    public bool Take()
    {
        if (rate >= 1)
        {
            return true;
        }

        if (rate <= 0)
        {
            return false;
        }

        var n = Interlocked.Increment(ref _seen);
        return Math.Floor(n * rate) > Math.Floor((n - 1) * rate);
    }
}
