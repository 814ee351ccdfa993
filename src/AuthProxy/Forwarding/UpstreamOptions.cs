namespace AuthProxy.Forwarding;

/// <summary><c>AuthProxy:Upstream</c>: how AuthProxy connects to backends.</summary>
internal sealed class UpstreamOptions
{
    public const string SectionName = "AuthProxy:Upstream";

    /// <summary>
    /// Whether a cluster of the routes file may set YARP's <c>HttpClient.DangerousAcceptAnyServerCertificate</c>,
    /// which turns off every check of its backends' certificates. When true, each such cluster is
    /// logged as a warning at every load of the routes file and counted in the
    /// <c>authproxy.upstream.dangerous_certificates</c> gauge; when false, a routes file that sets it
    /// is refused. Trust a private CA with the cluster's <c>AuthProxy.CaCertificate</c> instead.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowDangerousCertificates { get; set; }
}
