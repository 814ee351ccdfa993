namespace AuthProxy.Limits;

/// <summary>A policy's <c>RateLimit</c>: at most <see cref="Permits"/> requests per <see cref="Window"/> for each partition.</summary>
/// <param name="Permits">Requests a partition may make in one window (a full bucket); 1 or more.</param>
/// <param name="Window">The time in which a used-up bucket refills completely; more than zero.</param>
/// <param name="By">What the limit counts separately.</param>
internal sealed record RateLimitSetting(int Permits, TimeSpan Window, PartitionBy By);
