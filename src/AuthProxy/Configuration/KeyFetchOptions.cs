using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary>
/// <c>AuthProxy:KeyFetch</c>: how keys are fetched from URLs (TigerGraph's third key form, JWKS
/// and OIDC discovery), cached, refreshed, and kept when the identity provider is down.
/// </summary>
public sealed class KeyFetchOptions
{
    public const string SectionName = "AuthProxy:KeyFetch";

    /// <summary>How often keys are fetched again in the background.</summary>
    /// <value>The default value is 5 minutes; 10 seconds to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The least time between two fetches caused by tokens naming an unknown <c>kid</c>, and
    /// between retries of a source that has not loaded yet. A flood of random <c>kid</c>s causes at
    /// most one fetch per interval.
    /// </summary>
    /// <value>The default value is 30 seconds; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the last good keys stay in force once refreshing starts to fail; then tokens are refused (<c>key-unavailable</c>).</summary>
    /// <value>The default value is 12 hours; 0 to 30 days.</value>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long start-up waits for each URL source's first load before starting anyway (not ready).</summary>
    /// <value>The default value is 10 seconds; 0 to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan InitialLoadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether a key URL that has not loaded within <see cref="InitialLoadTimeout"/> stops the start
    /// (exit 2, with the cause listed) instead of starting not ready and retrying in the background.
    /// </summary>
    /// <value>The default value is false: start not ready, and become ready when the keys arrive.</value>
    public bool RequireInitialLoad { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    /// <value>The default value is 5 seconds; 100 ms to 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:02:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one fetch, retries included.</summary>
    /// <value>The default value is 30 seconds; 100 ms to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed attempt (connection error, timeout, 408, 429, 5xx).</summary>
    /// <value>The default value is 3; 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay; each next one doubles, with jitter.</summary>
    /// <value>The default value is 500 ms; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Share of failed attempts, over <see cref="CircuitBreakerSamplingDuration"/>, that opens the circuit to a provider.</summary>
    /// <value>The default value is 0.5; 0.01 to 1.</value>
    [Range(0.01, 1.0)]
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the circuit can open.</summary>
    /// <value>The default value is 10; 2 to 1000.</value>
    [Range(2, 1000)]
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted.</summary>
    /// <value>The default value is 1 minute; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an open circuit refuses attempts before letting one through.</summary>
    /// <value>The default value is 30 seconds; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response accepted from a key URL.</summary>
    /// <value>The default value is 1 MiB; 1 KiB to 16 MiB.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether plain <c>http://</c> key URLs are allowed. Keys fetched without TLS can be replaced by anyone on the path: for local development only.</summary>
    /// <value>The default value is false.</value>
    public bool AllowInsecureHttp { get; set; }
}
