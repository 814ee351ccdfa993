using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthProxy.Tls;

/// <summary>
/// A certificate with its private key, and the CA certificates that follow it in its file
/// (<c>fullchain.pem</c>), sent with it in every handshake: the listener's certificate, or a
/// client certificate for mutual TLS with a backend.
/// </summary>
internal sealed class CertificatePair
{
    /// <summary>The extended key usage a listener's certificate needs (TLS server authentication).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>The extended key usage a client certificate needs (TLS client authentication).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The extended key usage that allows every use.</summary>
    private const string AnyUsage = "2.5.29.37.0";

    private CertificatePair(X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        Context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate and its chain, as a handshake sends them.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>How log lines name it: subject, serial number and expiry, never key material.</summary>
    public string Describe() => $"{Certificate.Subject} (serial {Certificate.SerialNumber}, valid until {Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)";

    /// <summary>Reads a PEM certificate (first in the file, CA certificates after it) and its PEM private key, encrypted when a password is given.</summary>
    public static CertificatePair? LoadPem(string certificatePath, string keyPath, string? password, string usage, string setting, List<string> problems)
    {
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(certificatePath);
            if (chain.Count == 0)
            {
                problems.Add($"{setting} ({certificatePath}): holds no PEM certificate");
                return null;
            }

            using var withKey = password is null
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
            return Create(withKey, [.. chain.Skip(1)], usage, certificatePath, setting, problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            problems.Add($"{setting} ({certificatePath} with key {keyPath}): the certificate and key cannot be read together ({ex.Message})");
            return null;
        }
    }

    /// <summary>Reads a PKCS#12 (<c>.pfx</c>) file: the certificate with its key, and any CA certificates it holds.</summary>
    public static CertificatePair? LoadPkcs12(string path, string? password, string usage, string setting, List<string> problems)
    {
        try
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password);
            var withKey = all.FirstOrDefault(c => c.HasPrivateKey);
            if (withKey is null)
            {
                problems.Add($"{setting} ({path}): holds no certificate with a private key");
                return null;
            }

            return Create(withKey, [.. all.Where(c => !ReferenceEquals(c, withKey))], usage, path, setting, problems);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problems.Add($"{setting} ({path}): the PKCS#12 file cannot be read ({ex.Message})");
            return null;
        }
    }

    private static CertificatePair? Create(X509Certificate2 withKey, X509Certificate2Collection intermediates, string usage, string path, string setting, List<string> problems)
    {
        var usages = withKey.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToList();
        if (usages.Count > 0 && !usages.Contains(usage) && !usages.Contains(AnyUsage))
        {
            var needed = usage == ServerAuthentication ? "TLS server authentication (serverAuth)" : "TLS client authentication (clientAuth)";
            problems.Add($"{setting} ({path}): the certificate {withKey.Subject} is not for {needed}; its extended key usage lists {string.Join(", ", usages)}");
            return null;
        }

        // Through PKCS#12 so that the key is usable by the platform's TLS on every OS, as Kestrel does.
        var portable = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new CertificatePair(portable, intermediates);
    }
}
