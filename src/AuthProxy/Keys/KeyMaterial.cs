using System.Text;

namespace AuthProxy.Keys;

/// <summary>
/// Turns key text (an HMAC secret, PEM, or a JWKS) into <see cref="TrustedKey"/>s, refusing weak
/// or misplaced keys with a message that says what to do and never echoing key material.
/// </summary>
internal static class KeyMaterial
{
    /// <summary>RSA keys below this size are refused (NIST SP 800-57: 2048 bits minimum).</summary>
    public const int MinimumRsaBits = 2048;

    /// <summary>The problem a well-formed document with no usable key reports (an empty set, not a parse error).</summary>
    public const string NoUsableKey = "holds no usable signature verification key";

    private const string Base64Prefix = "base64:";

    /// <summary>
    /// Keys from text whose form is not known in advance (a file or URL), for a slot whose rules say
    /// what it may hold. A slot for public keys takes a JWKS (a JSON object) or PEM, and nothing else:
    /// a body that is neither (an HTML page, a bare string) is a failed load, never a secret. A slot
    /// declared for shared secrets takes a JWKS of <c>oct</c> keys or the secret text, but never a
    /// document that is plainly public (PEM, an HTML page). A leading byte order mark is ignored.
    /// </summary>
    public static IReadOnlyList<TrustedKey> Parse(string text, string source, KeyRules rules, List<string> problems)
    {
        var trimmed = text.TrimStart('\uFEFF').Trim();
        if (trimmed.StartsWith('{'))
        {
            return JwksKeys.Parse(trimmed, source, rules, problems);
        }

        if (trimmed.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (rules.IsSymmetric)
            {
                problems.Add($"{source}: holds a PEM document, which is public: it is never used as a shared secret");
                return [];
            }

            return PemKeys.Parse(trimmed, source, rules, problems);
        }

        if (!rules.IsSymmetric)
        {
            problems.Add($"{source}: holds neither a PEM public key nor a JWKS{Looks(trimmed)}");
            return [];
        }

        if (Document(trimmed) is { } document)
        {
            // A page, a JSON document or a multi-line text (an HTML page starting with a comment, an error page) is public text, not a secret.
            problems.Add($"{source}: holds {document}, not a secret (a secret is one line of text)");
            return [];
        }

        return ParseHmacSecret(trimmed, source, problems, rules) is { } key ? [key] : [];
    }

    private static string Looks(string text) => text.Length == 0 ? " (it is empty)" : text[0] == '<' ? " (it looks like an HTML or XML page)" : string.Empty;

    /// <summary>What kind of document the text of a secrets slot is, when it is one; null for a line of text.</summary>
    private static string? Document(string text) => text switch
    {
        _ when text.StartsWith('<') => "an HTML or XML document",
        _ when text.StartsWith('[') || text.StartsWith('"') => "a JSON document",
        _ when text.AsSpan().ContainsAny('\r', '\n') => "several lines",
        _ => null,
    };

    /// <summary>
    /// An HMAC secret: the UTF-8 bytes of the text as given, or the bytes after a <c>base64:</c>
    /// prefix. Allowed for each HS algorithm whose hash size it reaches; refused below 32 bytes.
    /// </summary>
    public static TrustedKey? ParseHmacSecret(string text, string source, List<string> problems, KeyRules? rules = null)
    {
        byte[] bytes;
        if (text.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            try
            {
                bytes = Convert.FromBase64String(text[Base64Prefix.Length..].Trim());
            }
            catch (FormatException)
            {
                problems.Add($"{source}: the value after 'base64:' is not valid base64");
                return null;
            }
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(text);
        }

        return KeyChecks.HmacKey(bytes, null, null, source, rules ?? KeyRules.TigerGraphHmac, problems);
    }
}
