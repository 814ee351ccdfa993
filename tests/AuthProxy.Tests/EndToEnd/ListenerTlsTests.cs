using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// AuthProxy's own listener over HTTPS, from Kestrel's settings (<c>--urls https://...</c> and
/// <c>Kestrel:Certificates:Default:Path</c>/<c>KeyPath</c>): HTTP/1.1 and HTTP/2, TLS 1.2 at least,
/// and a certificate replaced on disk served to new connections at once, with no request failing
/// and no open connection dropped.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ListenerTlsTests(BackendProcess backend) : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("Listener Test CA");
    private readonly string _directory = ProxyHost.CreateDirectory();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task PemCertificate_ServesHttp11AndHttp2_AndProxies()
    {
        var certificate = _ca.IssueServer("localhost");
        var (path, key) = TestCertificateAuthority.WritePem(certificate, _directory, "listener");
        await using var proxy = await StartAsync(path, key);
        var seen = new ConcurrentQueue<string>();
        using var client = Client(proxy, seen);

        using var http11 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/restpp/echo/x") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact });
        using var http2 = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/restpp/echo/y") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact });

        Assert.Equal("https", proxy.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, http11.StatusCode);
        Assert.Equal(HttpVersion.Version11, http11.Version);
        Assert.Equal(HttpStatusCode.OK, http2.StatusCode);
        Assert.Equal(HttpVersion.Version20, http2.Version);
        Assert.Equal("https", (await http2.EchoAsync()).GetProperty("headers").GetProperty("X-Forwarded-Proto").GetString());
        Assert.All(seen, serial => Assert.Equal(certificate.SerialNumber, serial));
    }

    [Fact]
    public async Task Pkcs12Certificate_WithoutKeyPath_IsServed()
    {
        var certificate = _ca.IssueServer("localhost");
        var path = Path.Combine(_directory, "listener.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = path,
            ["Kestrel:Certificates:Default:Password"] = "pfx-password",
        });
        var seen = new ConcurrentQueue<string>();
        using var client = Client(proxy, seen);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(certificate.SerialNumber, Assert.Single(seen));
    }

    [Fact]
    public async Task CertificateFromAnIntermediateCa_IsSentWithTheCaCertificatesAfterItInItsFile()
    {
        using var intermediate = _ca.IssueIntermediate("Listener Issuing CA");
        var (path, key) = TestCertificateAuthority.WritePem(intermediate.IssueServer("localhost"), _directory, "listener", intermediate.Certificate);
        await using var proxy = await StartAsync(path, key);
        using var client = Client(proxy, new ConcurrentQueue<string>());

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls12AndTls13_AreOffered(SslProtocols protocols)
    {
        var (path, key) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "listener");
        await using var proxy = await StartAsync(path, key);
        SslProtocols? negotiated = null;
        using var client = Client(proxy, new ConcurrentQueue<string>(), protocols, onTls: ssl => negotiated = ssl.SslProtocol);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(protocols, negotiated);
    }

    [Theory]
    [InlineData("Kestrel:EndpointDefaults:SslProtocols", "Tls11")]
    [InlineData("Kestrel:EndpointDefaults:SslProtocols", "Tls12,Tls")]
    [InlineData("Kestrel:EndpointDefaults:SslProtocols", "None")]
    [InlineData("Kestrel:Endpoints:Main:SslProtocols:0", "Tls11")]
    public async Task AProtocolBelowTls12_IsRefusedAtStart(string setting, string value)
    {
        var (path, key) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "listener");

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => StartAsync(path, key, (setting, value)));

        var section = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting;
        Assert.Contains(refused.Problems, p => p.StartsWith($"{section}: '", StringComparison.Ordinal) && p.Contains("TLS 1.2 and TLS 1.3 only", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Kestrel:EndpointDefaults:Protocols", "Http3")]
    [InlineData("Kestrel:Endpoints:Main:Protocols", "Http3")]
    [InlineData("Kestrel:EndpointDefaults:Protocols", "None")]
    [InlineData("Kestrel:EndpointDefaults:Protocols", "Http4")]
    public async Task AProtocolsSettingWithoutHttp1OrHttp2_IsRefusedAtStart(string setting, string value)
    {
        var (path, key) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "listener");

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => StartAsync(path, key, (setting, value)));

        Assert.Contains(refused.Problems, p => p == $"{setting}: '{value}' is refused; AuthProxy's listener offers HTTP/1.1 and HTTP/2 (Http1, Http2, Http1AndHttp2), not HTTP/3");
    }

    [Fact]
    public async Task HttpThreeBesideOneAndTwo_IsServedAsHttp2()
    {
        var (path, key) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "listener");
        await using var proxy = await StartAsync(path, key, ("Kestrel:EndpointDefaults:Protocols", "Http1AndHttp2AndHttp3"));
        using var client = Client(proxy, new ConcurrentQueue<string>());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task CertificateNotMatchingItsKey_IsRefusedAtStart()
    {
        var (path, _) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "one");
        var (_, otherKey) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "two");

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => StartAsync(path, otherKey));

        Assert.Contains(refused.Problems, p => p.StartsWith("Kestrel:Certificates:Default (", StringComparison.Ordinal)
            && p.Contains("cannot be read together", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientCertificateUsedAsTheListenersCertificate_IsRefusedAtStart()
    {
        var (path, key) = TestCertificateAuthority.WritePem(_ca.IssueClient("not-a-server"), _directory, "listener");

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => StartAsync(path, key));

        Assert.Contains(refused.Problems, p => p.Contains("is not for TLS server authentication", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CertificateReplacedUnderLoad_NewConnectionsGetIt_OpenOnesStay_NoRequestFails()
    {
        var first = _ca.IssueServer("localhost");
        var (path, key) = TestCertificateAuthority.WritePem(first, _directory, "listener");
        await using var proxy = await StartAsync(path, key);

        // One keep-alive connection, open across the replacement.
        var kept = new ConcurrentQueue<string>();
        var keptConnections = 0;
        using var keptClient = Client(proxy, kept, onConnect: () => Interlocked.Increment(ref keptConnections));
        Assert.Equal(HttpStatusCode.OK, (await keptClient.GetAsync("/restpp/echo/kept")).StatusCode);

        // New connections all the time (HTTP/1.1 and HTTP/2), proxied to the backend.
        var fresh = new ConcurrentQueue<string>();
        using var freshClient = Client(proxy, fresh, newConnectionEachRequest: true);
        var second = _ca.IssueServer("localhost");
        await using (var load = new LoadLoop(cancel => freshClient.SendAsync(Request(), cancel)))
        {
            await load.SucceedMoreAsync(20);
            TestCertificateAuthority.WritePemTo(second, path, key); // the certificate, then its key: a moment when they do not match
            await ProxyHost.EventuallyAsync(() => Task.FromResult(fresh.Contains(second.SerialNumber)), "a new connection sees the new certificate");
            await load.SucceedMoreAsync(20);
            await load.StopAsync();

            Assert.Empty(load.Failures);
        }

        Assert.Equal(HttpStatusCode.OK, (await keptClient.GetAsync("/restpp/echo/kept")).StatusCode);
        Assert.Equal(1, keptConnections);
        Assert.Equal(first.SerialNumber, Assert.Single(kept));
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 2001 && r.Message.Contains("listener certificate", StringComparison.Ordinal));
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Id.Id == 2002);

        static HttpRequestMessage Request()
        {
            var http2 = Random.Shared.Next(2) == 0;
            return new HttpRequestMessage(HttpMethod.Get, "/restpp/echo/load")
            {
                Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
        }
    }

    [Fact]
    public async Task CertificateBrokenByAnEdit_KeepsServingTheLastGoodOne()
    {
        var certificate = _ca.IssueServer("localhost");
        var (path, key) = TestCertificateAuthority.WritePem(certificate, _directory, "listener");
        await using var proxy = await StartAsync(path, key);

        await ProxyHost.ReplaceFileAsync(path, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 2002)), "the broken certificate is refused");

        var seen = new ConcurrentQueue<string>();
        using var client = Client(proxy, seen);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(certificate.SerialNumber, Assert.Single(seen));
    }

    private Task<ProxyHost> StartAsync(string certificate, string key, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0",
            ["Kestrel:Certificates:Default:Path"] = certificate,
            ["Kestrel:Certificates:Default:KeyPath"] = key,
        };
        foreach (var (name, value) in extra)
        {
            settings[name] = value;
        }

        return ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);
    }

    /// <summary>A client that trusts the test CA only, and records the serial number of the certificate each new connection is shown.</summary>
    private HttpClient Client(ProxyHost proxy, ConcurrentQueue<string> serials, SslProtocols protocols = SslProtocols.None,
        bool newConnectionEachRequest = false, Action? onConnect = null, Action<SslStream>? onTls = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = newConnectionEachRequest ? TimeSpan.Zero : Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = newConnectionEachRequest ? int.MaxValue : 1,
            ConnectCallback = async (context, cancel) =>
            {
                onConnect?.Invoke();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
                EnabledSslProtocols = protocols,
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    using var presented = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                    serials.Enqueue(presented.SerialNumber);
                    if (sender is SslStream ssl)
                    {
                        onTls?.Invoke(ssl);
                    }

                    return _ca.Issued(presented, chain) && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = proxy.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }
}
