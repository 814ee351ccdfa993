using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuthProxy.Tests.Common;

/// <summary>A throwaway CA and the certificates it issues (servers, clients, an intermediate CA), for real TLS in tests.</summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly RSA _key;

    public TestCertificateAuthority(string name = "AuthProxy Test CA")
    {
        _key = RSA.Create(2048);
        var request = CaRequest(name, _key);
        var now = TimeProvider.System.GetUtcNow();
        Certificate = request.CreateSelfSigned(now.AddYears(-1), now.AddYears(1));
    }

    private TestCertificateAuthority(X509Certificate2 certificate, RSA key, TestCertificateAuthority issuer)
    {
        Certificate = certificate;
        _key = key;
        Issuer = issuer;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The CA that signed this one, for an intermediate; null for a root.</summary>
    public TestCertificateAuthority? Issuer { get; }

    /// <summary>Writes the CA certificate as a PEM bundle and returns its path.</summary>
    public string WriteBundle(string directory)
    {
        var path = Path.Combine(directory, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>A CA certificate signed by this one, that issues certificates of its own.</summary>
    public TestCertificateAuthority IssueIntermediate(string name)
    {
        var key = RSA.Create(2048);
        var now = TimeProvider.System.GetUtcNow();
        using var issued = CaRequest(name, key).Create(Certificate, now.AddDays(-30), now.AddMonths(6), RandomNumberGenerator.GetBytes(12));
        return new TestCertificateAuthority(X509CertificateLoader.LoadCertificate(issued.RawData), key, this);
    }

    /// <summary>A server certificate (with its private key) for the given DNS names and, with localhost, 127.0.0.1.</summary>
    public X509Certificate2 IssueServer(params string[] dnsNames) => IssueServer(dnsNames, notBefore: null, notAfter: null);

    /// <summary>A server certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (by default from yesterday for 30 days).</summary>
    public X509Certificate2 IssueServer(string[] dnsNames, DateTimeOffset? notBefore, DateTimeOffset? notAfter) =>
        Issue("CN=" + (dnsNames.FirstOrDefault() ?? "localhost"), dnsNames, ServerAuth, notBefore, notAfter);

    /// <summary>A client certificate (with its private key) for mutual TLS.</summary>
    public X509Certificate2 IssueClient(string name) => Issue("CN=" + name, [], ClientAuth, notBefore: null, notAfter: null);

    /// <summary>Whether <paramref name="certificate"/> chains to this CA (a server's check of a client certificate), with the CA certificates the client sent.</summary>
    public bool Issued(X509Certificate2 certificate, X509Chain? presented = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Root.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (Issuer is not null)
        {
            chain.ChainPolicy.ExtraStore.Add(Certificate);
        }

        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    /// <summary>Writes a certificate and its key as PEM files (the certificate, then <paramref name="chain"/>, in the first) and returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name, params X509Certificate2[] chain)
    {
        var certificatePath = Path.Combine(directory, name + ".pem");
        var keyPath = Path.Combine(directory, name + ".key");
        WritePemTo(certificate, certificatePath, keyPath, chain);
        return (certificatePath, keyPath);
    }

    /// <summary>Writes a certificate and its key over the given files, each written aside and renamed over, as deployment tools do.</summary>
    public static void WritePemTo(X509Certificate2 certificate, string certificatePath, string keyPath, params X509Certificate2[] chain)
    {
        var pem = certificate.ExportCertificatePem() + "\n" + string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("the certificate has no RSA private key");
        Replace(certificatePath, pem);
        Replace(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private TestCertificateAuthority Root => Issuer?.Root ?? this;

    private static void Replace(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static CertificateRequest CaRequest(string name, RSA key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private X509Certificate2 Issue(string subject, string[] dnsNames, string usage, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (dnsNames.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                names.AddDnsName(name);
            }

            if (dnsNames.Contains("localhost"))
            {
                names.AddIpAddress(IPAddress.Loopback);
            }

            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = TimeProvider.System.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F; // positive
        using var issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForRSA(_key, RSASignaturePadding.Pkcs1),
            notBefore ?? now.AddDays(-1), notAfter ?? now.AddDays(30), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
