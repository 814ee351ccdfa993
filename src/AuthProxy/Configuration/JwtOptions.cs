using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary>
/// <c>Security:JWT</c>: the TigerGraph-named settings for third-party tokens (one trusted
/// issuer whose keys are <see cref="RSA"/> and <see cref="HMAC"/>).
/// </summary>
public sealed class JwtOptions
{
    public const string SectionName = "Security:JWT";

    /// <summary>RSA public key settings (<c>Security:JWT:RSA:*</c>).</summary>
    public JwtRsaOptions RSA { get; set; } = new();

    /// <summary>HMAC secret settings (<c>Security:JWT:HMAC:*</c>).</summary>
    public JwtHmacOptions HMAC { get; set; } = new();

    /// <summary>When set, <c>iss</c> must equal it (ordinal); when empty, <c>iss</c> is not checked.</summary>
    /// <value>The default value is empty.</value>
    public string? Issuer { get; set; }

    /// <summary>When set, <c>aud</c> (string or array) must contain it, case-sensitive.</summary>
    /// <value>The default value is empty.</value>
    public string? Audience { get; set; }

    /// <summary>
    /// PEM CA bundle (a file, or a folder of <c>.pem</c>/<c>.crt</c> files) trusted for key URLs
    /// instead of the system store. The <c>SSL_CA_CERT</c> environment variable sets it too.
    /// </summary>
    /// <value>The default value is none: the system store.</value>
    public string? CaCertificate { get; set; }

    /// <summary>Lifetime of tokens from the GridGain-style login, in milliseconds (GridGain's <c>ignite.security.jwt.ttl</c>).</summary>
    /// <value>The default value is 3600000 (1 hour); 1 second to 365 days.</value>
    [Range(1000L, 31_536_000_000L)]
    public long Ttl { get; set; } = 3_600_000;

    /// <summary>How long one of AuthProxy's own signing keys signs before a new one takes over (GridGain's <c>keyTtl</c>).</summary>
    /// <value>The default value is 14 days; 1 minute to 365 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan KeyTtl { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The largest <see cref="ClockSkew"/> allowed; revocations are kept this long past their token's expiry.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    /// <summary>Tolerance on <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value>The default value is 1 minute; 0 to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}
