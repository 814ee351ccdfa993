using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

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
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";

    private static readonly FrozenSet<string>[] RsaCandidates = [JwsAlgorithms.Rsa, JwsAlgorithms.RsaPss];

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
            return ParseJwks(trimmed, source, rules, problems);
        }

        if (trimmed.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (rules.IsSymmetric)
            {
                problems.Add($"{source}: holds a PEM document, which is public: it is never used as a shared secret");
                return [];
            }

            return ParsePem(trimmed, source, rules, problems);
        }

        if (!rules.IsSymmetric)
        {
            problems.Add($"{source}: holds neither a PEM public key nor a JWKS{Looks(trimmed)}");
            return [];
        }

        if (trimmed.StartsWith('<') || trimmed.AsSpan().ContainsAny('\r', '\n'))
        {
            // A page or a multi-line document (an HTML page starting with a comment, an error page) is public text, not a secret.
            problems.Add($"{source}: holds {(trimmed.StartsWith('<') ? "an HTML or XML document" : "several lines")}, not a secret (a secret is one line of text)");
            return [];
        }

        return ParseHmacSecret(trimmed, source, problems, rules) is { } key ? [key] : [];
    }

    private static string Looks(string text) => text.Length == 0 ? " (it is empty)" : text[0] == '<' ? " (it looks like an HTML or XML page)" : string.Empty;

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

        return HmacKey(bytes, null, null, source, rules ?? KeyRules.TigerGraphHmac, problems);
    }

    private static TrustedKey? HmacKey(byte[] bytes, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var minimum = JwsAlgorithms.MinimumHmacBytes("HS256");
        if (bytes.Length < minimum)
        {
            problems.Add($"{source}: the HMAC secret{Kid(kid)} is {bytes.Length} bytes; HS256 needs at least {minimum} (RFC 7518 section 3.2)");
            return null;
        }

        var fitting = JwsAlgorithms.Hmac.Where(a => bytes.Length >= JwsAlgorithms.MinimumHmacBytes(a)).ToFrozenSet(StringComparer.Ordinal);
        var algorithms = rules.Resolve([fitting], declared, out var why);
        if (algorithms.Count == 0)
        {
            problems.Add($"{source}: the HMAC secret{Kid(kid)} cannot be used: {why}");
            return null;
        }

        return new TrustedKey(kid, new SymmetricSecurityKey(bytes), algorithms, source);
    }

    /// <summary>
    /// Public keys from PEM text: <c>PUBLIC KEY</c> (RSA, EC P-256/384/521 or Ed25519),
    /// <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c> blocks. Private keys are refused.
    /// </summary>
    public static List<TrustedKey> ParsePem(string text, string source, KeyRules rules, List<string> problems)
    {
        var keys = new List<TrustedKey>();
        var before = problems.Count;
        var span = text.AsSpan();
        var offset = 0;
        while (PemEncoding.TryFind(span[offset..], out var fields))
        {
            var block = span.Slice(offset + fields.Location.Start.Value, fields.Location.End.Value - fields.Location.Start.Value);
            var label = span.Slice(offset + fields.Label.Start.Value, fields.Label.End.Value - fields.Label.Start.Value).ToString();
            var der = new byte[fields.DecodedDataLength];
            var decoded = Convert.TryFromBase64Chars(span.Slice(offset + fields.Base64Data.Start.Value, fields.Base64Data.End.Value - fields.Base64Data.Start.Value), der, out _);
            offset += fields.Location.End.Value;

            if (label.Contains("PRIVATE", StringComparison.Ordinal))
            {
                problems.Add($"{source}: holds a private key; give only the public key (never put a private key in AuthProxy's configuration)");
                continue;
            }

            try
            {
                var key = label switch
                {
                    "PUBLIC KEY" when decoded => FromSubjectPublicKeyInfo(der, source, rules, problems),
                    "RSA PUBLIC KEY" => FromRsa(ImportRsa(block), null, null, source, rules, problems),
                    "CERTIFICATE" => FromCertificate(block, source, rules, problems),
                    _ when !decoded => Problem(problems, $"{source}: the PEM '{label}' block is not valid base64"),
                    _ => Problem(problems, $"{source}: PEM block '{label}' is not a public key (expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)"),
                };
                if (key is not null)
                {
                    keys.Add(key);
                }
            }
            catch (CryptographicException ex)
            {
                problems.Add($"{source}: the PEM '{label}' block cannot be read as a public key ({ex.Message})");
            }
        }

        if (keys.Count == 0 && problems.Count == before)
        {
            problems.Add($"{source}: no PEM public key found (expected '-----BEGIN PUBLIC KEY-----' ... '-----END PUBLIC KEY-----')");
        }

        return keys;
    }

    private static RSA ImportRsa(ReadOnlySpan<char> pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    private static TrustedKey? FromSubjectPublicKeyInfo(byte[] der, string source, KeyRules rules, List<string> problems)
    {
        var info = PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
        switch (info.Oid.Value)
        {
            case RsaOid:
                var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(der, out _);
                return FromRsa(rsa, null, null, source, rules, problems);
            case EcOid:
                var ec = ECDsa.Create();
                ec.ImportSubjectPublicKeyInfo(der, out _);
                return FromEc(ec, null, null, source, rules, problems);
            case Ed25519Oid:
                return EdDsaSecurityKey.FromSubjectPublicKeyInfo(der) is { } ed
                    ? FromEdDsa(ed, null, null, source, rules, problems)
                    : Problem(problems, $"{source}: the Ed25519 public key cannot be read");
            default:
                return Problem(problems, $"{source}: public key type {info.Oid.Value} is not supported (RSA, EC P-256/384/521, Ed25519)");
        }
    }

    private static TrustedKey? FromCertificate(ReadOnlySpan<char> pem, string source, KeyRules rules, List<string> problems)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            return FromRsa(rsa, null, null, source, rules, problems);
        }

        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            return FromEc(ec, null, null, source, rules, problems);
        }

        return Problem(problems, $"{source}: the certificate holds neither an RSA nor an EC key");
    }

    private static TrustedKey? FromRsa(RSA rsa, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        if (rsa.KeySize < MinimumRsaBits)
        {
            rsa.Dispose();
            return Problem(problems, $"{source}: the RSA key{Kid(kid)} is {rsa.KeySize} bits; at least {MinimumRsaBits} are required");
        }

        var algorithms = rules.Resolve(RsaCandidates, declared, out var why);
        if (algorithms.Count == 0)
        {
            rsa.Dispose();
            return Problem(problems, $"{source}: the RSA key{Kid(kid)} cannot be used: {why}");
        }

        return new TrustedKey(kid, new RsaSecurityKey(rsa) { KeyId = kid }, algorithms, source);
    }

    private static TrustedKey? FromEc(ECDsa ec, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var algorithm = ec.KeySize switch
        {
            256 => "ES256",
            384 => "ES384",
            521 => "ES512",
            _ => null,
        };
        if (algorithm is null)
        {
            ec.Dispose();
            return Problem(problems, $"{source}: the EC key{Kid(kid)} is not on P-256, P-384 or P-521");
        }

        var algorithms = rules.Resolve([FrozenSet.Create(StringComparer.Ordinal, algorithm)], declared, out var why);
        if (algorithms.Count == 0)
        {
            ec.Dispose();
            return Problem(problems, $"{source}: the EC key{Kid(kid)} cannot be used: {why}");
        }

        return new TrustedKey(kid, new ECDsaSecurityKey(ec) { KeyId = kid }, algorithms, source);
    }

    private static TrustedKey? FromEdDsa(EdDsaSecurityKey key, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var algorithms = rules.Resolve([JwsAlgorithms.EdDsa], declared, out var why);
        return algorithms.Count == 0
            ? Problem(problems, $"{source}: the Ed25519 key{Kid(kid)} cannot be used: {why}")
            : new TrustedKey(kid, key, algorithms, source);
    }

    /// <summary>
    /// A JWK Set (RFC 7517). Keys for encryption (<c>use</c> other than <c>sig</c>, or
    /// <c>key_ops</c> without <c>verify</c>) and key types AuthProxy cannot use are skipped; a
    /// weak key is a problem. A set with no usable key is a problem.
    /// </summary>
    public static List<TrustedKey> ParseJwks(string json, string source, KeyRules rules, List<string> problems)
    {
        var keys = new List<TrustedKey>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            problems.Add($"{source}: the JWKS is not valid JSON ({ex.Message})");
            return keys;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{source}: the JWKS has no \"keys\" array");
                return keys;
            }

            var index = 0;
            foreach (var jwk in array.EnumerateArray())
            {
                var where = $"{source} keys[{index++}]";
                if (jwk.ValueKind == JsonValueKind.Object && ParseJwk(jwk, where, rules, problems) is { } key)
                {
                    keys.Add(key);
                }
            }
        }

        if (keys.Count == 0)
        {
            problems.Add($"{source}: the JWKS {NoUsableKey}");
        }

        return keys;
    }

    private static TrustedKey? ParseJwk(JsonElement jwk, string where, KeyRules rules, List<string> problems)
    {
        var kty = Text(jwk, "kty");
        var kid = Text(jwk, "kid");
        var declared = Text(jwk, "alg");
        var use = Text(jwk, "use");
        if (use is not null && use != "sig")
        {
            return null;
        }

        if (jwk.TryGetProperty("key_ops", out var ops) && ops.ValueKind == JsonValueKind.Array
            && !ops.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == "verify"))
        {
            return null;
        }

        try
        {
            switch (kty)
            {
                case "RSA" when Bytes(jwk, "n") is { } n && Bytes(jwk, "e") is { } e:
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                    return FromRsa(rsa, kid, declared, where, rules, problems);
                case "EC" when Text(jwk, "crv") is { } crv && Bytes(jwk, "x") is { } x && Bytes(jwk, "y") is { } y:
                    ECCurve? curve = crv switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => null,
                    };
                    if (curve is null)
                    {
                        return null; // a curve AuthProxy does not verify with (e.g. secp256k1): skipped
                    }

                    var ec = ECDsa.Create(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
                    return FromEc(ec, kid, declared, where, rules, problems);
                case "OKP" when Text(jwk, "crv") == "Ed25519" && Bytes(jwk, "x") is { } raw:
                    return EdDsaSecurityKey.FromRaw(raw) is { } ed
                        ? FromEdDsa(ed, kid, declared, where, rules, problems)
                        : Problem(problems, $"{where}: the Ed25519 key{Kid(kid)} cannot be read");
                case "oct" when !rules.IsSymmetric:
                    // A key set for public keys that carries a shared secret publishes it: anyone could sign with it.
                    return Problem(problems, $"{where}: the oct key{Kid(kid)} is a shared secret in a key set for public keys; it is refused");
                case "oct" when Bytes(jwk, "k") is { } secret:
                    return HmacKey(secret, kid, declared, where, rules, problems);
                case "RSA" or "EC" or "OKP" or "oct":
                    return Problem(problems, $"{where}: the {kty} key{Kid(kid)} lacks required members or they are not base64url");
                default:
                    return null; // unknown key types are skipped, as RFC 7517 section 5 asks
            }
        }
        catch (CryptographicException ex)
        {
            return Problem(problems, $"{where}: the {kty} key{Kid(kid)} cannot be read ({ex.Message})");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement element, string name)
    {
        if (Text(element, name) is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Kid(string? kid) => kid is null ? string.Empty : $" '{kid}'";

    private static TrustedKey? Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return null;
    }
}
