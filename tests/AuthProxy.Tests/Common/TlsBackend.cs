using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.Common;

/// <summary>
/// A real HTTPS backend (Kestrel on a loopback port), as TigerGraph's nginx or GridGain's REST
/// port would be: a certificate the test chooses and can replace while it runs, optionally
/// requiring a client certificate from a given CA. Every answer says what the backend saw: the
/// protocol, the SNI name, and the client certificate.
/// </summary>
public sealed class TlsBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsBackend(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    /// <summary>The certificate the next handshake presents.</summary>
    public X509Certificate2 Certificate { get; set; }

    /// <summary>The CA a client certificate must chain to; null when none is asked for.</summary>
    public TestCertificateAuthority? ClientCa { get; private init; }

    public Uri BaseAddress { get; private set; } = new("https://127.0.0.1:1/");

    /// <summary>The serial number of each client certificate a request came with, in order.</summary>
    public ConcurrentQueue<string> ClientSerials { get; } = new();

    /// <param name="certificate">The server certificate.</param>
    /// <param name="clientCa">When set, a client certificate issued by it is required (a connection without one is closed, as Kestrel does).</param>
    /// <param name="protocols">The TLS versions offered (the platform's by default).</param>
    /// <param name="closeConnections">Answers with <c>Connection: close</c>, so every request makes a new handshake.</param>
    public static async Task<TlsBackend> StartAsync(X509Certificate2 certificate, TestCertificateAuthority? clientCa = null,
        SslProtocols protocols = SslProtocols.None, bool closeConnections = false)
    {
        TlsBackend? backend = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificateSelector = (_, _) => backend!.Certificate;
                https.SslProtocols = protocols;
                if (clientCa is not null)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (client, chain, _) => clientCa.Issued(client, chain);
                }
            });
        }));
        var app = builder.Build();
        app.Map("/{**path}", (HttpContext context) =>
        {
            var client = context.Connection.ClientCertificate;
            if (client is not null)
            {
                backend!.ClientSerials.Enqueue(client.SerialNumber);
            }

            if (closeConnections && context.Request.Protocol == "HTTP/1.1")
            {
                context.Response.Headers.Connection = "close";
            }

            return Results.Json(new
            {
                version = new { edition = "enterprise", api = "v2", schema = 0 },
                error = false,
                message = "tls backend",
                results = new
                {
                    protocol = context.Request.Protocol,
                    path = context.Request.Path.Value,
                    sni = context.Features.Get<ITlsHandshakeFeature>()?.HostName,
                    clientSubject = client?.Subject,
                    clientSerial = client?.SerialNumber,
                },
            });
        });
        backend = new TlsBackend(app, certificate) { ClientCa = clientCa };
        await app.StartAsync();
        backend.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
