using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using static AuthProxy.Keys.KeyChecks;

namespace AuthProxy.Keys;

/// <summary>Public keys from PEM text, refusing private keys and weak or unusable ones.</summary>
internal static class PemKeys
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";

    /// <summary>
    /// Public keys from PEM text: <c>PUBLIC KEY</c> (RSA, EC P-256/384/521 or Ed25519),
    /// <c>RSA PUBLIC KEY</c> or <c>CERTIFICATE</c> blocks. Private keys are refused.
    /// </summary>
    public static List<TrustedKey> Parse(string text, string source, KeyRules rules, List<string> problems)
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
}
