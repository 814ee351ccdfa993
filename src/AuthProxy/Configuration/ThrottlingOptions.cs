using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:Throttling</c>: failed password and secret attempts, per account and per client address.</summary>
public sealed class ThrottlingOptions
{
    public const string SectionName = "AuthProxy:Throttling";

    /// <summary>Failed attempts allowed per account within <see cref="Window"/>; then the account is refused (429) until the window slides.</summary>
    /// <value>The default value is 10; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int AccountFailures { get; set; } = 10;

    /// <summary>Failed attempts allowed per client address within <see cref="Window"/>.</summary>
    /// <value>The default value is 50; 1 to 100000.</value>
    [Range(1, 100_000)]
    public int AddressFailures { get; set; } = 50;

    /// <summary>The sliding window the failures are counted over; also the longest a lock-out lasts.</summary>
    /// <value>The default value is 1 minute; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed attempts allowed per declared user within <see cref="Window"/> from all addresses
    /// together (guessing spread over many addresses). An address that logged in as that user
    /// successfully in the last day is exempt, so the real user is not locked out.
    /// </summary>
    /// <value>The default value is 100; 1 to 1000000.</value>
    [Range(1, 1_000_000)]
    public int AccountWideFailures { get; set; } = 100;

    /// <summary>
    /// Password hashes computed at once. A hash costs tens of milliseconds and, with Argon2id, about
    /// 19 MiB; attempts beyond this are refused at once (429, <c>Retry-After: 1</c>) instead of queuing.
    /// </summary>
    /// <value>The default value is 4; 1 to 256.</value>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = 4;
}
