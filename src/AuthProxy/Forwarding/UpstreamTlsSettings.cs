namespace AuthProxy.Forwarding;

/// <summary>
/// A cluster's TLS settings from its YARP <c>Metadata</c>, paths resolved from the content root.
/// </summary>
/// <param name="CaCertificate">The CA bundle (file or folder) trusted instead of the system store, or null for the system store.</param>
/// <param name="ClientCertificate">The PEM client certificate for mutual TLS (CA certificates after it are sent with it), or null.</param>
/// <param name="ClientKey">The PEM private key of <paramref name="ClientCertificate"/>, or null.</param>
/// <param name="ServerName">The name the backends' certificates must carry, sent as SNI, or null for the name the request is sent to.</param>
internal sealed record UpstreamTlsSettings(string? CaCertificate, string? ClientCertificate, string? ClientKey, string? ServerName)
{
    public static readonly UpstreamTlsSettings None = new(null, null, null, null);

    /// <summary>Whether any AuthProxy TLS setting is given.</summary>
    public bool IsSet => CaCertificate is not null || ClientCertificate is not null || ClientKey is not null || ServerName is not null;
}
