using Microsoft.Extensions.Internal;

namespace AuthProxy.Caching;

/// <summary>
/// <c>MemoryCache</c>'s clock, read from the <see cref="TimeProvider"/> everything else uses,
/// so cached entries expire on the same clock as the tokens and passwords they stand for (and a
/// test's fake clock moves them too).
/// </summary>
internal sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
