namespace AuthProxy.Keys;

/// <summary>Why a TLS handshake was refused, written by the certificate callback.</summary>
internal sealed class TlsDiagnostics
{
    public string? Problem { get; set; }
}
