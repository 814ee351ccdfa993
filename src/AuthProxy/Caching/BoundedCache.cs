using Microsoft.Extensions.Caching.Memory;

namespace AuthProxy.Caching;

/// <summary>Creates AuthProxy's <see cref="MemoryCache"/>s: bounded by entry count (every entry has size 1), on the shared clock.</summary>
internal static class BoundedCache
{
    public static MemoryCache Create(TimeProvider time, int maxEntries) => new(new MemoryCacheOptions
    {
        Clock = new TimeProviderClock(time),
        SizeLimit = maxEntries,
        CompactionPercentage = 0.10,
    });
}
