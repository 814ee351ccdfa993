using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthProxy.Tls;

namespace AuthProxy.Keys;

/// <summary>
/// The CA certificates an operator trusts instead of the system store: for key URLs
/// (<c>Security:JWT:CaCertificate</c>) and for backends (a cluster's <c>AuthProxy.CaCertificate</c>).
/// A server whose chain does not lead to one of them is refused; the system store is never consulted.
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

    /// <summary>The files a bundle at <paramref name="path"/> is read from: the file itself, or the <c>.pem</c>/<c>.crt</c>/<c>.cer</c> files of a folder.</summary>
    public static IEnumerable<string> Files(string path) => Directory.Exists(path)
        ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
            || f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".cer", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
        : [path];

    /// <summary>Reads every certificate in a PEM file, or in the <c>.pem</c>/<c>.crt</c>/<c>.cer</c> files of a folder.</summary>
    public static CaBundle? Load(string path, string setting, List<string> problems)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            foreach (var file in Files(path))
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
    public string? Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors) =>
        Check(certificate, presented, errors, this)?.Detail;

    /// <summary>
    /// Checks a server certificate as a TLS client must: its chain against <paramref name="bundle"/>
    /// only when one is given (else the system store's verdict in <paramref name="errors"/>), its
    /// validity period, and the host name the connection was made for (always). Returns null when
    /// the certificate is trusted, else the first failure in that order.
    /// </summary>
    public static TlsFailure? Check(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, CaBundle? bundle)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return new TlsFailure(TlsFailureCause.NoCertificate, "the server presented no certificate");
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (bundle is not null)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(bundle.Certificates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presented is not null)
            {
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (!chain.Build(leaf) && ChainFailure(chain, $"does not lead to the CA bundle {bundle.Path}") is { } failure)
            {
                return failure;
            }
        }
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            return (presented is null ? null : ChainFailure(presented, "is not trusted by the system store"))
                ?? new TlsFailure(TlsFailureCause.UntrustedChain, "the certificate chain is not trusted by the system store");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return new TlsFailure(TlsFailureCause.NameMismatch, $"the certificate does not match the host name (it names {Names(leaf)})");
        }

        return null;
    }

    /// <summary>What the system store's validation found wrong, or null when nothing.</summary>
    public static string? DescribeSystemErrors(SslPolicyErrors errors) => errors switch
    {
        SslPolicyErrors.None => null,
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) => "the server presented no certificate",
        _ when errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) => "the certificate does not match the host name",
        _ => "the certificate chain is not trusted by the system store",
    };

    /// <summary>
    /// The failure a built chain shows: a certificate outside its validity period (the leaf or a CA)
    /// when that is the only fault, else an untrusted chain with every status. Null when nothing is wrong.
    /// </summary>
    private static TlsFailure? ChainFailure(X509Chain chain, string untrusted)
    {
        var statuses = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        if (statuses.Count == 0)
        {
            return null;
        }

        if (statuses.All(s => s is X509ChainStatusFlags.NotTimeValid or X509ChainStatusFlags.NotTimeNested))
        {
            foreach (var element in chain.ChainElements)
            {
                if (element.ChainElementStatus.Any(s => s.Status == X509ChainStatusFlags.NotTimeValid))
                {
                    var which = element == chain.ChainElements[0] ? "the certificate" : $"the CA certificate {element.Certificate.Subject}";
                    return element.Certificate.NotBefore.ToUniversalTime() > chain.ChainPolicy.VerificationTime.ToUniversalTime()
                        ? new TlsFailure(TlsFailureCause.NotYetValid, $"{which} is not valid before {element.Certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC")
                        : new TlsFailure(TlsFailureCause.Expired, $"{which} expired at {element.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
                }
            }
        }

        return new TlsFailure(TlsFailureCause.UntrustedChain, $"the certificate chain {untrusted} ({string.Join(", ", statuses)})");
    }

    /// <summary>The names a certificate is valid for, as an operator compares them with the address.</summary>
    private static string Names(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString()))).ToList();
        return names.Count > 0 ? string.Join(", ", names) : certificate.Subject;
    }
}
