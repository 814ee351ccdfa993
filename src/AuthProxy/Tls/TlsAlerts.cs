using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AuthProxy.Tls;

/// <summary>
/// Reads the TLS alert a server sent out of the exception a handshake or a read failed with
/// (OpenSSL words it <c>tlsv13 alert certificate required</c>), and turns it into a <see cref="TlsFailure"/>.
/// </summary>
internal static partial class TlsAlerts
{
    /// <summary>The alerts a server sends about the client's certificate (RFC 8446 §6.2).</summary>
    private static readonly FrozenSet<string> ClientCertificateAlerts = FrozenSet.Create(StringComparer.Ordinal,
        "certificate required", "bad certificate", "unsupported certificate", "certificate revoked", "certificate expired",
        "certificate unknown", "unknown ca", "access denied");

    /// <summary>The alert's description (<c>unknown ca</c>), or null when the exception carries none.</summary>
    public static string? Find(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (AlertPattern().Match(current.Message) is { Success: true } match)
            {
                return match.Groups[1].Value.ToLowerInvariant();
            }
        }

        return null;
    }

    /// <summary>The innermost message of an exception chain: where the platform says what went wrong.</summary>
    public static string Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null)
        {
            current = current.InnerException;
        }

        return current.Message;
    }

    /// <summary>
    /// Why a handshake (or the first read after it) failed, from the server's alert.
    /// </summary>
    /// <param name="exception">What the handshake or the read threw.</param>
    /// <param name="askedForCertificate">Whether the server asked for a client certificate.</param>
    /// <param name="clientCertificate">The subject of the client certificate sent, or null when none was.</param>
    public static TlsFailure Classify(Exception exception, bool askedForCertificate, string? clientCertificate)
    {
        var alert = Find(exception);
        if (alert is not null && (ClientCertificateAlerts.Contains(alert) || (askedForCertificate && alert == "handshake failure")))
        {
            return Refused(askedForCertificate, clientCertificate, $"TLS alert: {alert}");
        }

        return new TlsFailure(TlsFailureCause.Handshake, alert is null
            ? $"the TLS handshake failed: {Innermost(exception)}"
            : $"the TLS handshake failed (TLS alert: {alert})");
    }

    /// <summary>The backend refused the client certificate sent, or asked for one when none is configured.</summary>
    public static TlsFailure Refused(bool askedForCertificate, string? clientCertificate, string how) => clientCertificate is not null
        ? new TlsFailure(TlsFailureCause.ClientCertificateRefused, $"the backend refused the client certificate {clientCertificate} ({how})")
        : new TlsFailure(TlsFailureCause.ClientCertificateRefused, askedForCertificate
            ? $"the backend requires a client certificate and none is configured (set AuthProxy.ClientCertificate and AuthProxy.ClientKey; {how})"
            : $"the backend refused the connection for want of a client certificate, and none is configured ({how})");

    [GeneratedRegex(@"\balert ([a-z0-9 ]+?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AlertPattern();
}
