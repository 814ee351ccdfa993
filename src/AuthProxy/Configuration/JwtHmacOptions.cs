namespace AuthProxy.Configuration;

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
