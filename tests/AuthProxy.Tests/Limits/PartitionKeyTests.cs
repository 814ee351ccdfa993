using System.Net;
using AuthProxy.Limits;
using AuthProxy.Storage;

namespace AuthProxy.Tests.Limits;

/// <summary>Address partitions (IPv6 by its /64, IPv4 however it arrives) and the fleet's split of a limit.</summary>
public sealed class PartitionKeyTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.7", "::ffff:192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    public void Addresses_ArePartitioned_IPv6ByItsSlash64(string a, string b, bool same)
    {
        Assert.Equal(same, PartitionKey.Address(IPAddress.Parse(a)) == PartitionKey.Address(IPAddress.Parse(b)));
    }

    [Fact]
    public void AText_AndAnAddress_AreNeverTheSamePartition() =>
        Assert.NotEqual(PartitionKey.Text("192.0.2.7"), PartitionKey.Address(IPAddress.Parse("192.0.2.7")));

    [Theory]
    [InlineData(10, 3, new[] { 4, 3, 3 })]
    [InlineData(9, 2, new[] { 5, 4 })]
    [InlineData(2, 3, new[] { 1, 1, 1 })]
    [InlineData(7, 1, new[] { 7 })]
    public void TheFleetsShares_AddUpToTheLimit_NeverBelowOne(int total, int instances, int[] expected)
    {
        var shares = Enumerable.Range(0, instances).Select(rank =>
        {
            var status = new StoreStatus(TimeProvider.System);
            status.SetInstances(instances, rank);
            return new FleetShare(status).Of(total);
        });

        Assert.Equal(expected, shares.ToArray());
    }
}
