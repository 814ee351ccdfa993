using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Keys;

/// <summary>
/// Turns configured key text into <see cref="TrustedKey"/>s, refusing weak or misplaced keys with
/// a message that says what to do.
/// </summary>
internal static class KeyMaterial
{
    /// <summary>RSA keys below this size are refused (NIST SP 800-57: 2048 bits minimum).</summary>
    public const int MinimumRsaBits = 2048;

    private const string Base64Prefix = "base64:";

    /// <summary>
    /// An HMAC secret: the UTF-8 bytes of the text as given, or the bytes after a <c>base64:</c>
    /// prefix. Allowed for each HS algorithm whose hash size it reaches; refused below 32 bytes.
    /// </summary>
    public static TrustedKey? ParseHmacSecret(string text, string source, List<string> problems)
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

        var minimum = JwsAlgorithms.MinimumHmacBytes("HS256");
        if (bytes.Length < minimum)
        {
            problems.Add($"{source}: the HMAC secret is {bytes.Length} bytes; HS256 needs at least {minimum} (RFC 7518 section 3.2)");
            return null;
        }

        var algorithms = JwsAlgorithms.Hmac.Where(a => bytes.Length >= JwsAlgorithms.MinimumHmacBytes(a)).ToFrozenSet(StringComparer.Ordinal);
        return new TrustedKey(null, new SymmetricSecurityKey(bytes), algorithms, source);
    }

    /// <summary>
    /// RSA public keys from PEM text: <c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c>
    /// blocks, each at least 2048 bits, for <paramref name="algorithms"/>.
    /// </summary>
    public static List<TrustedKey> ParseRsaPem(string text, string source, FrozenSet<string> algorithms, List<string> problems)
    {
        var keys = new List<TrustedKey>();
        var before = problems.Count;
        var span = text.AsSpan();
        var offset = 0;
        while (PemEncoding.TryFind(span[offset..], out var fields))
        {
            var block = span.Slice(offset + fields.Location.Start.Value, fields.Location.End.Value - fields.Location.Start.Value);
            var label = span[(offset + fields.Label.Start.Value)..(offset + fields.Label.End.Value)].ToString();
            offset += fields.Location.End.Value;

            if (label.Contains("PRIVATE", StringComparison.Ordinal))
            {
                problems.Add($"{source}: holds a private key; give only the public key (never put a private key in AuthProxy's configuration)");
                continue;
            }

            var rsa = RSA.Create();
            try
            {
                switch (label)
                {
                    case "PUBLIC KEY":
                    case "RSA PUBLIC KEY":
                        rsa.ImportFromPem(block);
                        break;
                    case "CERTIFICATE":
                        using (var certificate = X509Certificate2.CreateFromPem(block))
                        {
                            using var certificateKey = certificate.GetRSAPublicKey();
                            if (certificateKey is null)
                            {
                                problems.Add($"{source}: the certificate does not hold an RSA key");
                                rsa.Dispose();
                                continue;
                            }

                            rsa.ImportParameters(certificateKey.ExportParameters(false));
                        }

                        break;
                    default:
                        problems.Add($"{source}: PEM block '{label}' is not a public key (expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)");
                        rsa.Dispose();
                        continue;
                }
            }
            catch (CryptographicException ex)
            {
                problems.Add($"{source}: the PEM '{label}' block cannot be read as an RSA key ({ex.Message})");
                rsa.Dispose();
                continue;
            }

            if (rsa.KeySize < MinimumRsaBits)
            {
                problems.Add($"{source}: the RSA key is {rsa.KeySize} bits; at least {MinimumRsaBits} are required");
                rsa.Dispose();
                continue;
            }

            keys.Add(new TrustedKey(null, new RsaSecurityKey(rsa), algorithms, source));
        }

        if (keys.Count == 0 && problems.Count == before)
        {
            problems.Add($"{source}: no PEM public key found (expected '-----BEGIN PUBLIC KEY-----' ... '-----END PUBLIC KEY-----')");
        }

        return keys;
    }
}
