namespace AuthProxy.Tls;

/// <summary>
/// <c>Kestrel:Certificates:Default</c>, Kestrel's own setting for the certificate of every HTTPS
/// listener that has none of its own (<c>--urls https://...</c>, <c>ASPNETCORE_URLS</c>,
/// <c>Kestrel:Endpoints:NAME:Url</c> without a <c>Certificate</c>). AuthProxy reads the files
/// itself so that it can read them again when they change (<see cref="ListenerCertificate"/>).
/// </summary>
internal sealed class ListenerCertificateOptions
{
    public const string SectionName = "Kestrel:Certificates:Default";

    /// <summary>
    /// The certificate: a PEM file (the certificate first, then any CA certificates to send with it)
    /// when <see cref="KeyPath"/> is set, else a PKCS#12 (<c>.pfx</c>) file holding the key too.
    /// Relative paths are resolved from the content root.
    /// </summary>
    /// <value>The default value is none: no HTTPS listener unless Kestrel is given a certificate another way.</value>
    public string? Path { get; set; }

    /// <summary>The PEM private key of the certificate in <see cref="Path"/>.</summary>
    /// <value>The default value is none (<see cref="Path"/> is then a PKCS#12 file).</value>
    public string? KeyPath { get; set; }

    /// <summary>The password of an encrypted PEM key or of a PKCS#12 file.</summary>
    /// <value>The default value is none: the key is not encrypted.</value>
    public string? Password { get; set; }
}
