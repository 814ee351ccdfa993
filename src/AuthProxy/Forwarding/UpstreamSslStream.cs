using AuthProxy.Tls;

namespace AuthProxy.Forwarding;

/// <summary>
/// A TLS connection to a backend that tells a refused client certificate apart from a backend that
/// merely went away. A TLS 1.3 server refuses a client certificate only after the handshake (with
/// an alert on the first read), and some servers (Kestrel among them) just close the connection:
/// either, before the first byte of the first answer on a connection whose server asked for a
/// client certificate, is reported as the refusal it is.
/// </summary>
internal sealed class UpstreamSslStream(Stream inner) : System.Net.Security.SslStream(inner, leaveInnerStreamOpen: false)
{
    private bool _answered;

    /// <summary>Where the request that opened this connection looks for its TLS failure; null when it has none.</summary>
    public UpstreamTlsSlot? Slot { get; init; }

    /// <summary>Why the certificate check refused the server, set by the validation callback.</summary>
    public TlsFailure? Failure { get; set; }

    /// <summary>Whether the server asked for a client certificate during the handshake.</summary>
    public bool AskedForCertificate { get; set; }

    /// <summary>The subject of the client certificate sent, or null when none was.</summary>
    public string? SentCertificate { get; set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_answered)
        {
            return await base.ReadAsync(buffer, cancellationToken);
        }

        int read;
        try
        {
            read = await base.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException ex) when (Refusal(ex) is { } refusal)
        {
            throw refusal;
        }

        return Answered(read, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_answered)
        {
            return base.Read(buffer, offset, count);
        }

        int read;
        try
        {
            read = base.Read(buffer, offset, count);
        }
        catch (IOException ex) when (Refusal(ex) is { } refusal)
        {
            throw refusal;
        }

        return Answered(read, count);
    }

    private int Answered(int read, int requested)
    {
        if (read > 0)
        {
            _answered = true;
        }
        else if (requested > 0 && AskedForCertificate)
        {
            throw Record(new UpstreamTlsException(TlsAlerts.Refused(AskedForCertificate, SentCertificate,
                "it asked for a client certificate, then closed the connection without answering")));
        }

        return read;
    }

    /// <summary>A TLS alert on the first read, as AuthProxy's exception; null for any other failure.</summary>
    private UpstreamTlsException? Refusal(IOException exception) =>
        exception is not UpstreamTlsException && TlsAlerts.Find(exception) is not null
            ? Record(new UpstreamTlsException(TlsAlerts.Classify(exception, AskedForCertificate, SentCertificate), exception))
            : null;

    /// <summary>Leaves the failure in the slot of the request that opened the connection, and returns it to be thrown.</summary>
    public UpstreamTlsException Record(UpstreamTlsException exception)
    {
        Slot?.Failure = exception.Failure;
        return exception;
    }
}
