using System.Runtime.InteropServices;

namespace AuthProxy.Limits;

/// <summary>
/// Requests in flight for one policy's <c>Concurrency</c>, per partition, in a table of bounded
/// size. A partition leaves the table when its last request ends, so the table holds only
/// partitions with requests in flight; when it is full, a new partition is refused (never queued)
/// and the tracked ones keep their counts.
/// </summary>
internal sealed class ConcurrencyTable(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PartitionKey, int> _inFlight = [];

    /// <summary>Partitions with requests in flight now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Counts one more request of <paramref name="key"/> in flight, unless it already has <paramref name="max"/>.</summary>
    public bool TryEnter(in PartitionKey key, int max)
    {
        lock (_gate)
        {
            if (_inFlight.Count >= capacity && !_inFlight.ContainsKey(key))
            {
                return false;
            }

            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_inFlight, key, out _);
            if (count >= max)
            {
                return false;
            }

            count++;
            return true;
        }
    }

    /// <summary>Counts one request of <paramref name="key"/> as ended, however it ended.</summary>
    public void Exit(in PartitionKey key)
    {
        lock (_gate)
        {
            ref var count = ref CollectionsMarshal.GetValueRefOrNullRef(_inFlight, key);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
            {
                return;
            }

            if (--count <= 0)
            {
                _inFlight.Remove(key);
            }
        }
    }
}
