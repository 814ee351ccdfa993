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

/// <summary><c>Security:JWT:RSA</c>.</summary>
public sealed class JwtRsaOptions
{
    /// <summary>
    /// Key for RS256/384/512 tokens: PEM content (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c> or
    /// <c>CERTIFICATE</c>), <c>@path</c> to a PEM file, or an <c>https</c> URL serving PEM or a
    /// JWKS. At least 2048 bits.
    /// </summary>
    /// <value>The default value is none.</value>
    public string? PublicKey { get; set; }
}

/// <summary><c>Security:JWT:HMAC</c>.</summary>
public sealed class JwtHmacOptions
{
    /// <summary>
    /// Secret for HS256/384/512 tokens: the text itself, <c>@path</c> to a file, or an
    /// <c>https</c> URL serving the secret (or a JWKS of <c>oct</c> keys); surrounding whitespace
    /// of a file or URL is trimmed. The key bytes are the UTF-8 text; a <c>base64:</c> prefix marks
    /// base64-encoded bytes. At least 32 bytes; HS384 needs 48 and HS512 64.
    /// </summary>
    /// <value>The default value is none.</value>
    public string? Secret { get; set; }
}
