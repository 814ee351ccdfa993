namespace AuthProxy.Configuration;

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
