using AuthProxy.Storage;

namespace AuthProxy.Limits;

/// <summary>
/// This instance's share of a fleet-wide limit. With the embedded store there is one instance and
/// the share is the whole limit. With replicas on PostgreSQL each instance knows, from the store
/// heartbeat (<see cref="StoreChangeFeed"/>), how many instances are live and its rank among them,
/// and takes <c>floor(N / k)</c>, plus one for the first <c>N mod k</c> ranks: the shares add up to
/// exactly N, with no round trip per request. A share never drops below 1, so a limit smaller than
/// the fleet admits at most one request per instance (the README states the error bound).
/// </summary>
internal sealed class FleetShare(StoreStatus status)
{
    /// <summary>This instance's part of <paramref name="total"/>.</summary>
    public int Of(int total)
    {
        var (instances, rank) = status.Membership;
        if (instances <= 1)
        {
            return total;
        }

        var share = total / instances + (rank < total % instances ? 1 : 0);
        return Math.Max(1, share);
    }
}
