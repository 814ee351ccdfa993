namespace AuthProxy.Limits;

/// <summary>A policy's <c>Concurrency</c>: at most <see cref="Max"/> requests of one partition in flight to the backend.</summary>
/// <param name="Max">Requests one partition may have in flight at once; 1 or more.</param>
/// <param name="By">What the limit counts separately.</param>
internal sealed record ConcurrencySetting(int Max, PartitionBy By);
