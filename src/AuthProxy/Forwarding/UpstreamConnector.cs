using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using AuthProxy.Keys;
using AuthProxy.Tls;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Forwarding;

/// <summary>
/// Opens a cluster's connections to its backends (the HTTP client's <c>ConnectCallback</c>) and,
/// for https destinations, makes the TLS handshake itself, so that each handshake uses the
/// cluster's CA bundle and client certificate as they are on disk now, sends the cluster's
/// <c>AuthProxy.ServerName</c> as SNI and checks the certificate for it, and a failure comes out
/// with its cause. Host name verification is always on.
/// </summary>
internal sealed class UpstreamConnector
{
    private readonly string _clusterId;
    private readonly string? _serverName;
    private readonly bool _acceptAnyCertificate;
    private readonly SslProtocols _protocols;
    private readonly ReloadingFiles<CaBundle>? _ca;
    private readonly ReloadingFiles<CertificatePair>? _client;

    /// <param name="clusterId">The cluster, as log lines name it.</param>
    /// <param name="settings">The cluster's AuthProxy TLS settings.</param>
    /// <param name="http">The cluster's YARP HTTP client settings (protocols, and the dangerous switch the routes file was allowed to set).</param>
    /// <param name="monitor">Watches the cluster's certificate files.</param>
    /// <param name="problems">Receives why a file cannot be loaded now; handshakes then fail closed.</param>
    public UpstreamConnector(string clusterId, UpstreamTlsSettings settings, HttpClientConfig http, TlsFileMonitor monitor, List<string> problems)
    {
        _clusterId = clusterId;
        _serverName = settings.ServerName;
        _acceptAnyCertificate = http.DangerousAcceptAnyServerCertificate == true;
        _protocols = http.SslProtocols ?? SslProtocols.None;
        var where = $"cluster {clusterId} Metadata:";
        if (settings.CaCertificate is { } ca)
        {
            _ca = new ReloadingFiles<CaBundle>($"CA bundle {ca} of cluster {clusterId}", [ca],
                loading => CaBundle.Load(ca, where + UpstreamTlsMetadata.CaCertificate, loading), problems);
            monitor.Watch(_ca);
        }

        if (settings is { ClientCertificate: { } certificate, ClientKey: { } key })
        {
            _client = new ReloadingFiles<CertificatePair>($"client certificate {certificate} with key {key} of cluster {clusterId}", [certificate, key],
                loading => CertificatePair.LoadPem(certificate, key, password: null, CertificatePair.ClientAuthentication, where + UpstreamTlsMetadata.ClientCertificate, loading),
                problems);
            monitor.Watch(_client);
        }
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var network = new NetworkStream(socket, ownsSocket: true);
        var request = context.InitialRequestMessage;
        if (!string.Equals(request.RequestUri?.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
        {
            return network;
        }

        var stream = new UpstreamSslStream(network) { Slot = request.Options.TryGetValue(UpstreamTlsSlot.Key, out var slot) ? slot : null };
        try
        {
            await HandshakeAsync(stream, request, cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private async Task HandshakeAsync(UpstreamSslStream stream, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost(request),
            ApplicationProtocols = ApplicationProtocols(request),
            EnabledSslProtocols = _protocols,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            // A session resumed would skip the certificate check, so a CA removed from the bundle could
            // still be trusted for the ticket's lifetime; each new connection makes a full handshake.
            AllowTlsResume = false,
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (_acceptAnyCertificate)
                {
                    return true;
                }

                stream.Failure = _ca is { Current: null }
                    ? new TlsFailure(TlsFailureCause.UntrustedChain, $"the CA bundle of cluster {_clusterId} cannot be read, so no certificate is trusted")
                    : CaBundle.Check(certificate, chain, errors, _ca?.Current);
                return stream.Failure is null;
            },
        };

        CertificatePair? client = null;
        if (_client is not null)
        {
            client = _client.Current ?? throw stream.Record(new UpstreamTlsException(new TlsFailure(TlsFailureCause.Handshake,
                $"the client certificate of cluster {_clusterId} cannot be read, so no connection is made")));
            options.ClientCertificateContext = client.Context;
        }
        else
        {
            // Offers no certificate, but learns whether the server asked for one (see UpstreamSslStream).
            options.LocalCertificateSelectionCallback = (_, _, _, remote, _) =>
            {
                stream.AskedForCertificate |= remote is not null;
                return null!;
            };
        }

        try
        {
            await stream.AuthenticateAsClientAsync(options, cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException && ex is not UpstreamTlsException && !cancellationToken.IsCancellationRequested)
        {
            throw stream.Record(new UpstreamTlsException(stream.Failure ?? TlsAlerts.Classify(ex, stream.AskedForCertificate, client?.Certificate.Subject), ex));
        }

        if (client is not null && stream.LocalCertificate is not null)
        {
            stream.AskedForCertificate = true;
            stream.SentCertificate = client.Certificate.Subject;
        }
    }

    /// <summary>The name the certificate must carry and SNI sends: the cluster's server name, else the request's host as the HTTP client would use it.</summary>
    private string TargetHost(HttpRequestMessage request)
    {
        if (_serverName is not null)
        {
            return _serverName;
        }

        var host = request.Headers.Host is { Length: > 0 } header && Uri.TryCreate("https://" + header, UriKind.Absolute, out var parsed)
            ? parsed.IdnHost
            : request.RequestUri!.IdnHost;
        return host.TrimStart('[').TrimEnd(']');
    }

    /// <summary>ALPN as the HTTP client offers it for the request's version policy.</summary>
    private static List<SslApplicationProtocol>? ApplicationProtocols(HttpRequestMessage request)
    {
        if (request.Version.Major >= 2 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower)
        {
            return [SslApplicationProtocol.Http2];
        }

        return request.Version.Major >= 2 || request.VersionPolicy == HttpVersionPolicy.RequestVersionOrHigher
            ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]
            : null;
    }
}
