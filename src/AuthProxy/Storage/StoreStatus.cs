namespace AuthProxy.Storage;

/// <summary>
/// Whether the shared store answers, as <see cref="StoreChangeFeed"/> last found it: read by
/// <c>/readyz</c> and the <c>authproxy.store.*</c> gauges without a round trip to the store.
/// </summary>
internal sealed class StoreStatus(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _unavailableSince;
    private string? _cause;
    private long _applied;
    private long _membership = 1L << 32; // instances in the high half, this one's rank in the low half: read together

    /// <summary>Whether the store answered the last time it was asked.</summary>
    public bool Available
    {
        get
        {
            lock (_gate)
            {
                return _unavailableSince is null;
            }
        }
    }

    /// <summary>Since when the store does not answer, and why (null while it does).</summary>
    public (DateTimeOffset Since, string Cause)? Outage
    {
        get
        {
            lock (_gate)
            {
                return _unavailableSince is { } since ? (since, _cause ?? "unknown") : null;
            }
        }
    }

    /// <summary>The newest change this instance has applied.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>How many instances share the store (heartbeats seen lately, this one included).</summary>
    public int Instances => Membership.Instances;

    /// <summary>
    /// How many instances share the store and this one's rank among them (0 to <c>Instances - 1</c>,
    /// in the order of their ids), read together from the last heartbeat.
    /// </summary>
    public (int Instances, int Rank) Membership
    {
        get
        {
            var packed = Interlocked.Read(ref _membership);
            return ((int)(packed >> 32), (int)(packed & 0xFFFF_FFFF));
        }
    }

    /// <summary>Records an outage; true when the store was answering until now.</summary>
    public bool MarkUnavailable(string cause)
    {
        lock (_gate)
        {
            _cause = cause;
            if (_unavailableSince is not null)
            {
                return false;
            }

            _unavailableSince = time.GetUtcNow();
            return true;
        }
    }

    /// <summary>Records that the store answers; true when it was out until now.</summary>
    public bool MarkAvailable()
    {
        lock (_gate)
        {
            var was = _unavailableSince is not null;
            _unavailableSince = null;
            _cause = null;
            return was;
        }
    }

    public void MarkApplied(long sequence) => Interlocked.Exchange(ref _applied, sequence);

    public void SetInstances(int count, int rank = 0)
    {
        count = Math.Max(1, count);
        rank = Math.Clamp(rank, 0, count - 1);
        Interlocked.Exchange(ref _membership, ((long)count << 32) | (uint)rank);
    }
}
