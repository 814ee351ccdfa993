namespace AuthProxy.Tls;

/// <summary>
/// The listener's certificate from <c>Kestrel:Certificates:Default</c>, read again whenever its
/// files change (cert-manager, certbot): the next handshake uses the new certificate, connections
/// already open keep theirs, and the listener is never rebound (Kestrel's own reload rebinds it,
/// refusing connections for a moment).
/// </summary>
internal sealed class ListenerCertificate
{
    private readonly List<string> _problems = [];

    /// <param name="settings">Bound from the configuration directly rather than through the options, whose validator reports this class's problems.</param>
    /// <param name="environment">Relative paths are resolved from its content root.</param>
    /// <param name="monitor">Watches the certificate's files.</param>
    public ListenerCertificate(ListenerCertificateOptions settings, IHostEnvironment environment, TlsFileMonitor monitor)
    {
        if (string.IsNullOrWhiteSpace(settings.Path))
        {
            return;
        }

        var path = System.IO.Path.GetFullPath(settings.Path, environment.ContentRootPath);
        var keyPath = string.IsNullOrWhiteSpace(settings.KeyPath) ? null : System.IO.Path.GetFullPath(settings.KeyPath, environment.ContentRootPath);
        var password = string.IsNullOrEmpty(settings.Password) ? null : settings.Password;
        Files = new ReloadingFiles<CertificatePair>(
            $"listener certificate {path}" + (keyPath is null ? string.Empty : $" with key {keyPath}"),
            keyPath is null ? [path] : [path, keyPath],
            problems => keyPath is null
                ? CertificatePair.LoadPkcs12(path, password, CertificatePair.ServerAuthentication, ListenerCertificateOptions.SectionName, problems)
                : CertificatePair.LoadPem(path, keyPath, password, CertificatePair.ServerAuthentication, ListenerCertificateOptions.SectionName, problems),
            _problems);
        monitor.Watch(Files);
    }

    /// <summary>The certificate's files; null when <c>Kestrel:Certificates:Default:Path</c> is not set.</summary>
    public ReloadingFiles<CertificatePair>? Files { get; }

    /// <summary>Why the certificate cannot be used at start; empty when it can (or none is configured).</summary>
    public IReadOnlyList<string> Problems => _problems;
}
