namespace AuthProxy.Telemetry;

/// <summary>The verified-token cache's counts, as its instruments read them: look-ups since start, and what it holds now.</summary>
internal readonly record struct VerifiedTokenReading(long Hits, long Misses, long Entries, long Size);
