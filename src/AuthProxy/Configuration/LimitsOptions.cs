using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary>
/// <c>AuthProxy:Limits</c>: how many live credentials one user may hold, so no caller can make the
/// store (or a signing key's lifetime) grow without bound, and how many partitions a route policy's
/// <c>RateLimit</c> and <c>Concurrency</c> track in memory.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "AuthProxy:Limits";

    /// <summary>Live (unexpired, unrevoked) GSQL and GridGain tokens per user; past it, new ones are refused until some expire or are revoked.</summary>
    /// <value>The default value is 10000; 1 to 1000000.</value>
    [Range(1, 1_000_000)]
    public int TokensPerUser { get; set; } = 10_000;

    /// <summary>Live personal access tokens per user (the user the tokens act as).</summary>
    /// <value>The default value is 100; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int PersonalTokensPerUser { get; set; } = 100;

    /// <summary>GSQL secrets per user.</summary>
    /// <value>The default value is 100; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int SecretsPerUser { get; set; } = 100;

    /// <summary>
    /// Partitions (users, graphs, addresses or claim values) each policy's <c>RateLimit</c> and
    /// <c>Concurrency</c> track at once. When full, partitions whose state equals a fresh one (a
    /// refilled bucket, nothing in flight) are dropped; if none is, a new partition is refused
    /// (429) until one is, and partitions already tracked are never dropped.
    /// </summary>
    /// <value>The default value is 10000; 16 to 1000000.</value>
    [Range(16, 1_000_000)]
    public int PartitionsPerPolicy { get; set; } = 10_000;

    /// <summary>
    /// The most token text the verified-token cache holds, in characters: each remembered token
    /// counts its length plus 256. Past it the cache drops its oldest entries and a new token is
    /// checked in full until there is room. 0 remembers no token (every request is checked in full).
    /// </summary>
    /// <value>The default value is 8388608 (8 M characters: about 10,000 tokens of 800 characters); 0 to 1073741824.</value>
    [Range(0d, 1_073_741_824d)]
    public long VerifiedTokenCharacters { get; set; } = 8 * 1024 * 1024;

    /// <summary>The most tokens the verified-token cache holds, whatever their length.</summary>
    /// <value>The default value is 20000; 1 to 1000000.</value>
    [Range(1, 1_000_000)]
    public int VerifiedTokens { get; set; } = 20_000;
}
