namespace AuthProxy.Tls;

/// <summary>A refused or failed TLS handshake: its cause, and what an operator needs to fix it.</summary>
/// <param name="Cause">The kind of failure.</param>
/// <param name="Detail">One sentence naming what was wrong (names, dates, statuses); never key material.</param>
internal sealed record TlsFailure(TlsFailureCause Cause, string Detail)
{
    /// <summary>The cause as one stable word, for log lines and the <c>cause</c> metric tag.</summary>
    public string Word => Cause switch
    {
        TlsFailureCause.UntrustedChain => "untrusted-chain",
        TlsFailureCause.NameMismatch => "name-mismatch",
        TlsFailureCause.Expired => "expired",
        TlsFailureCause.NotYetValid => "not-yet-valid",
        TlsFailureCause.NoCertificate => "no-certificate",
        TlsFailureCause.ClientCertificateRefused => "client-certificate-refused",
        _ => "handshake",
    };
}
