namespace AuthProxy.Tls;

/// <summary>Why a TLS connection to a server failed; <see cref="TlsFailure.Word"/> names each in logs and metrics.</summary>
internal enum TlsFailureCause
{
    /// <summary>The server's certificate chain does not lead to a trusted CA (the CA bundle, or the system store).</summary>
    UntrustedChain,
    /// <summary>The server's certificate does not carry the name the connection was made for.</summary>
    NameMismatch,
    /// <summary>The server's certificate (or a CA certificate of its chain) has expired.</summary>
    Expired,
    /// <summary>The server's certificate (or a CA certificate of its chain) is not valid yet.</summary>
    NotYetValid,
    /// <summary>The server presented no certificate.</summary>
    NoCertificate,
    /// <summary>The server asked for a client certificate and refused the one sent, or that none was sent.</summary>
    ClientCertificateRefused,
    /// <summary>The handshake failed otherwise: no common protocol version or cipher, or the server does not speak TLS.</summary>
    Handshake,
}
