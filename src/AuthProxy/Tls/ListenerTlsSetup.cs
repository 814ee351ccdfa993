using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tls;

/// <summary>
/// Kestrel's HTTPS defaults for every listener: TLS 1.2 and 1.3 only, and the certificate of
/// <c>Kestrel:Certificates:Default</c> taken from <see cref="ListenerCertificate"/> at each
/// handshake, so that a replaced certificate is served at once without rebinding. A listener
/// with a certificate of its own (<c>Kestrel:Endpoints:NAME:Certificate</c>, an SNI entry's)
/// keeps it. HTTP/1.1 and HTTP/2 are offered by ALPN, as Kestrel does by default.
/// </summary>
internal sealed class ListenerTlsSetup(ListenerCertificate certificate) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options) => options.ConfigureHttpsDefaults(Configure);

    private void Configure(HttpsConnectionAdapterOptions https)
    {
        https.SslProtocols = ListenerTlsValidator.Allowed;
        if (certificate.Files is not { } files)
        {
            return;
        }

        // Kestrel sets an endpoint's own certificate on these options after the defaults, so the
        // callbacks read it from them at handshake time.
        var own = new Lazy<SslStreamCertificateContext?>(() => https.ServerCertificate is { } cert
            ? SslStreamCertificateContext.Create(cert, https.ServerCertificateChain, offline: true)
            : null);
        https.ServerCertificateSelector = (_, _) => https.ServerCertificate ?? files.Current?.Certificate;
        https.OnAuthenticate = (_, ssl) =>
        {
            if (ssl.ServerCertificate is not null || ssl.ServerCertificateContext is not null)
            {
                return; // an SNI entry's own certificate
            }

            if ((own.Value ?? files.Current?.Context) is { } context)
            {
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificateContext = context;
            }
        };
    }
}
