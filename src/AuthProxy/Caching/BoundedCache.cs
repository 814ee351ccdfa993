using Microsoft.Extensions.Caching.Memory;

namespace AuthProxy.Caching;

/// <summary>Creates AuthProxy's <see cref="MemoryCache"/>s: bounded by the sum of the entries' sizes (each cache says what a size counts), on the shared clock.</summary>
internal static class BoundedCache
{
    public static MemoryCache Create(TimeProvider time, long sizeLimit, bool trackStatistics = false) => new(new MemoryCacheOptions
    {
        Clock = new TimeProviderClock(time),
        SizeLimit = sizeLimit,
        CompactionPercentage = 0.10,
        TrackStatistics = trackStatistics,
    });
}
