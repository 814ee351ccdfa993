using System.Security.Authentication;
using AuthProxy.Tls;

namespace AuthProxy.Forwarding;

/// <summary>
/// A TLS connection to a backend that failed, with its cause. Thrown from the connection AuthProxy
/// opens (<see cref="UpstreamConnector"/>); the HTTP client carries it out as the inner exception of
/// its own, where <see cref="ProxyErrorMiddleware"/> finds it.
/// </summary>
internal sealed class UpstreamTlsException : IOException
{
    public UpstreamTlsException(TlsFailure failure, Exception? inner = null)
        : base(failure.Detail, inner)
    {
        Failure = failure;
    }

    public UpstreamTlsException()
        : this(new TlsFailure(TlsFailureCause.Handshake, "the TLS handshake failed"))
    {
    }

    public UpstreamTlsException(string message)
        : this(new TlsFailure(TlsFailureCause.Handshake, message))
    {
    }

    public UpstreamTlsException(string message, Exception inner)
        : this(new TlsFailure(TlsFailureCause.Handshake, message), inner)
    {
    }

    public TlsFailure Failure { get; }

    /// <summary>
    /// The TLS failure behind a forwarding error: AuthProxy's own, or a handshake the platform
    /// refused (a cluster sent through a forward proxy). Null when the error is not about TLS.
    /// </summary>
    public static TlsFailure? Find(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is UpstreamTlsException tls)
            {
                return tls.Failure;
            }
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException)
            {
                return TlsAlerts.Classify(current, askedForCertificate: false, clientCertificate: null);
            }
        }

        return null;
    }
}
