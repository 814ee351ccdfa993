using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthProxy.Keys;

/// <summary>
/// The CA certificates an operator trusts for key URLs, instead of the system store. A server
/// whose chain does not lead to one of them is refused; the system store is never consulted.
/// </summary>
internal sealed class CaBundle
{
    private CaBundle(string path, X509Certificate2Collection certificates)
    {
        Path = path;
        Certificates = certificates;
    }

    /// <summary>The file or folder it was read from.</summary>
    public string Path { get; }

    public X509Certificate2Collection Certificates { get; }

    /// <summary>Reads every certificate in a PEM file, or in the <c>.pem</c>/<c>.crt</c>/<c>.cer</c> files of a folder.</summary>
    public static CaBundle? Load(string path, string setting, List<string> problems)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                    || f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".cer", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
                : [path];
            foreach (var file in files)
            {
                certificates.ImportFromPemFile(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problems.Add($"{setting} ({path}): the CA bundle cannot be read ({ex.Message})");
            return null;
        }

        if (certificates.Count == 0)
        {
            problems.Add($"{setting} ({path}): holds no PEM certificate");
            return null;
        }

        return new CaBundle(path, certificates);
    }

    /// <summary>
    /// Validates a server certificate against this bundle only. Returns null when trusted, else why not
    /// (the host name, or the chain with its status).
    /// </summary>
    public string? Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server presented no certificate";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "the certificate does not match the host name";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Certificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(leaf))
        {
            return null;
        }

        var statuses = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the certificate chain does not lead to the CA bundle {Path} ({statuses})";
    }

    /// <summary>What the system store's validation found wrong, or null when nothing.</summary>
    public static string? DescribeSystemErrors(SslPolicyErrors errors) => errors switch
    {
        SslPolicyErrors.None => null,
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) => "the server presented no certificate",
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) => "the certificate does not match the host name",
        _ => "the certificate chain is not trusted by the system store",
    };
}
