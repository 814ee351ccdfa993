using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AuthProxy.Limits;

/// <summary>
/// Token buckets for one policy's <c>RateLimit</c>, one per partition, in a table of bounded size.
/// A bucket holds up to the permits of this instance's share and refills continuously, the whole
/// share per window; each admitted request takes one permit. A check is one dictionary look-up
/// under a short lock (never held across an await) and allocates nothing once the partition exists.
/// </summary>
/// <remarks>
/// When the table is full, buckets that have refilled completely are dropped: such a bucket is
/// the same as a new one, so dropping it forgives nothing. If none has, the new partition is
/// refused until the soonest one will have (never less than a tenth of the window, so a full table
/// is swept at most ten times a window), and the partitions already tracked keep their state.
/// </remarks>
internal sealed class RateLimitTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PartitionKey, Bucket> _buckets = [];
    private readonly int _capacity;
    private long _noSweepBefore;

    public RateLimitTable(int capacity) => _capacity = capacity;

    /// <summary>Partitions tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Takes one permit from <paramref name="key"/>'s bucket.</summary>
    /// <param name="permits">The bucket's size: this instance's share of the limit.</param>
    /// <param name="window">The time a used-up bucket takes to refill, in <see cref="TimeProvider"/> timestamp ticks.</param>
    /// <param name="now">The current timestamp (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="wait">When refused: ticks until a permit is back (or, for a full table, until room may be).</param>
    /// <returns>Whether the request is admitted.</returns>
    public bool TryTake(in PartitionKey key, int permits, long window, long now, out long wait)
    {
        wait = 0;
        lock (_gate)
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_buckets, key);
            if (!Unsafe.IsNullRef(ref bucket))
            {
                // A changed size (a reload, or the fleet's share moving) keeps what the partition used, not what it had left.
                var held = bucket.Permits == permits ? bucket.Tokens : Math.Max(0, bucket.Tokens + permits - bucket.Permits);
                var tokens = Math.Min(permits, held + Refill(now - bucket.Stamp, permits, window));
                bucket.Stamp = now;
                bucket.Permits = permits;
                if (tokens >= 1)
                {
                    bucket.Tokens = tokens - 1;
                    return true;
                }

                bucket.Tokens = tokens;
                wait = (long)Math.Ceiling((1 - tokens) * window / permits);
                return false;
            }

            if (_buckets.Count >= _capacity && !MakeRoom(now, permits, window, out wait))
            {
                return false;
            }

            _buckets.Add(key, new Bucket { Tokens = permits - 1, Stamp = now, Permits = permits });
            return true;
        }
    }

    private static double Refill(long elapsed, int permits, long window) => elapsed <= 0 ? 0 : (double)elapsed * permits / window;

    /// <summary>Drops the buckets that are full again; false (with the wait) when none is.</summary>
    private bool MakeRoom(long now, int permits, long window, out long wait)
    {
        wait = 0;
        if (now < _noSweepBefore)
        {
            wait = _noSweepBefore - now;
            return false;
        }

        var soonest = long.MaxValue;
        List<PartitionKey>? full = null;
        foreach (var (key, bucket) in _buckets)
        {
            var missing = permits - (bucket.Tokens + permits - bucket.Permits + Refill(now - bucket.Stamp, permits, window));
            if (missing <= 0)
            {
                (full ??= []).Add(key);
            }
            else
            {
                soonest = Math.Min(soonest, (long)Math.Ceiling(missing * window / permits));
            }
        }

        if (full is not null)
        {
            foreach (var key in full)
            {
                _buckets.Remove(key);
            }

            return true;
        }

        _noSweepBefore = now + Math.Max(soonest, window / 10);
        wait = _noSweepBefore - now;
        return false;
    }

    private struct Bucket
    {
        public double Tokens;
        public long Stamp;
        public int Permits; // the size the bucket had when last used
    }
}
