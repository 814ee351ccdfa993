using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace AuthProxy.Tests.Common;

/// <summary>
/// Looks for a private key where none may be readable: in a stored blob (does it import as a
/// private key in any common encoding?) and in whatever bytes a store holds (does any private
/// parameter of a known key appear, in any common spelling?).
/// </summary>
public static class PrivateKeyScan
{
    /// <summary>
    /// How <paramref name="blob"/> imports as a private key, or null when it does not: as DER
    /// (PKCS#8, PKCS#8 encrypted with an empty password, PKCS#1, SEC1), and as each of those
    /// written in PEM, base64, base64url or hex.
    /// </summary>
    public static string? ImportsAsPrivateKey(byte[] blob)
    {
        foreach (var (spelling, der) in Decodings(blob))
        {
            if (ImportsAsDer(der) is { } format)
            {
                return $"{format} ({spelling})";
            }
        }

        var text = Encoding.Latin1.GetString(blob);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            foreach (var import in new Func<string, bool>[] { ImportsRsaPem, ImportsEcPem })
            {
                if (import(text))
                {
                    return "PEM";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The first offset of <paramref name="bytes"/> at which a private key in DER starts (PKCS#8,
    /// PKCS#1 or SEC1), or null: a key stored in the clear is found without knowing it.
    /// </summary>
    public static string? FindDerPrivateKey(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0x30 && ImportsAsDer(bytes.AsMemory(i), withEmptyPassword: false) is { } format)
            {
                return $"{format} at offset {i}";
            }
        }

        return null;
    }

    /// <summary>
    /// The private parts of a key exported as PKCS#8: each private parameter (RSA d, p, q, dp,
    /// dq, qi; EC d) and the whole key as PKCS#8, PKCS#1 or SEC1 DER.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Value)> PrivateParts(byte[] pkcs8)
    {
        var parts = new List<(string, byte[])> { ("PKCS#8", pkcs8) };
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            var p = rsa.ExportParameters(true);
            parts.AddRange([("RSA d", p.D!), ("RSA p", p.P!), ("RSA q", p.Q!), ("RSA dp", p.DP!), ("RSA dq", p.DQ!), ("RSA qi", p.InverseQ!)]);
            parts.Add(("PKCS#1", rsa.ExportRSAPrivateKey()));
            return parts;
        }
        catch (CryptographicException)
        {
        }

        using var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(pkcs8, out _);
        parts.Add(("EC d", ec.ExportParameters(true).D!));
        parts.Add(("SEC1", ec.ExportECPrivateKey()));
        return parts;
    }

    /// <summary>
    /// The ways <paramref name="value"/> can be written: raw (big- and little-endian), decimal,
    /// hex, and base64 and base64url at each of the three alignments it can have inside a longer
    /// base64 text.
    /// </summary>
    public static IEnumerable<(string Spelling, byte[] Needle)> Spellings(byte[] value)
    {
        yield return ("raw", value);
        yield return ("raw little-endian", [.. value.Reverse()]);
        yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(value)));
        yield return ("HEX", Encoding.ASCII.GetBytes(Convert.ToHexString(value)));
        yield return ("decimal", Encoding.ASCII.GetBytes(new BigInteger(value, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture)));
        for (var skip = 0; skip < 3; skip++)
        {
            var whole = (value.Length - skip) / 3 * 3;
            var base64 = Convert.ToBase64String(value, skip, whole);
            yield return ($"base64 (from byte {skip})", Encoding.ASCII.GetBytes(base64));
            yield return ($"base64url (from byte {skip})", Encoding.ASCII.GetBytes(base64.Replace('+', '-').Replace('/', '_')));
        }
    }

    private static IEnumerable<(string Spelling, byte[] Der)> Decodings(byte[] blob)
    {
        yield return ("DER", blob);
        var text = Encoding.Latin1.GetString(blob).Trim();
        var base64 = text.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var fromBase64 = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, fromBase64, out var written))
        {
            yield return ("base64", fromBase64[..written]);
        }

        byte[]? fromHex = null;
        try
        {
            fromHex = Convert.FromHexString(text.StartsWith("\\x", StringComparison.Ordinal) ? text[2..] : text);
        }
        catch (FormatException)
        {
        }

        if (fromHex is not null)
        {
            yield return ("hex", fromHex);
        }
    }

    private static string? ImportsAsDer(ReadOnlyMemory<byte> der, bool withEmptyPassword = true)
    {
        (string Format, Action<ReadOnlyMemory<byte>> Import)[] imports =
        [
            ("RSA PKCS#8", d => { using var k = RSA.Create(); k.ImportPkcs8PrivateKey(d.Span, out _); }),
            ("EC PKCS#8", d => { using var k = ECDsa.Create(); k.ImportPkcs8PrivateKey(d.Span, out _); }),
            ("RSA PKCS#1", d => { using var k = RSA.Create(); k.ImportRSAPrivateKey(d.Span, out _); }),
            ("EC SEC1", d => { using var k = ECDsa.Create(); k.ImportECPrivateKey(d.Span, out _); }),
        ];
        foreach (var (format, import) in imports)
        {
            if (Imports(import, der))
            {
                return format;
            }
        }

        if (withEmptyPassword)
        {
            if (Imports(d => { using var k = RSA.Create(); k.ImportEncryptedPkcs8PrivateKey(ReadOnlySpan<char>.Empty, d.Span, out _); }, der))
            {
                return "RSA PKCS#8 encrypted with an empty password";
            }

            if (Imports(d => { using var k = ECDsa.Create(); k.ImportEncryptedPkcs8PrivateKey(ReadOnlySpan<char>.Empty, d.Span, out _); }, der))
            {
                return "EC PKCS#8 encrypted with an empty password";
            }
        }

        return null;
    }

    private static bool Imports(Action<ReadOnlyMemory<byte>> import, ReadOnlyMemory<byte> der)
    {
        try
        {
            import(der);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool ImportsRsaPem(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.ExportParameters(true).D is not null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static bool ImportsEcPem(string pem)
    {
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return ec.ExportParameters(true).D is not null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
