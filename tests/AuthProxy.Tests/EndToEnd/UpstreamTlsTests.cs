using System.Net;
using System.Security.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Backends over TLS, against real HTTPS servers with certificates from a test CA: a private CA
/// trusted per cluster, mutual TLS, a server name other than the address, and each way a
/// handshake fails (untrusted chain, name mismatch, expired, client certificate refused), each a
/// 502 <c>upstream-tls</c> with one log line naming the cause.
/// </summary>
[Collection(AloneCollection.Name)] // its gauge assertions: see AloneCollection
public sealed class UpstreamTlsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("Backend Test CA");
    private readonly string _directory = ProxyHost.CreateDirectory();

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task PrivateCa_TrustedByTheClustersCaCertificate_IsForwardedOverHttp2()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));

        using var response = await proxy.Client.GetAsync("tls/query");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.EchoAsync();
        Assert.Equal("/tls/query", seen.GetProperty("path").GetString());
        Assert.Equal("HTTP/2", seen.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task CaCertificate_AsAFolder_TrustsEveryBundleInIt()
    {
        using var other = new TestCertificateAuthority("Other CA");
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "cas")).FullName;
        File.Move(other.WriteBundle(_directory), Path.Combine(folder, "a-other.pem"));
        File.Move(_ca.WriteBundle(_directory), Path.Combine(folder, "b-backend.crt"));
        await File.WriteAllTextAsync(Path.Combine(folder, "README"), "not a bundle");
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(folder)));

        using var response = await proxy.Client.GetAsync("tls/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PrivateCa_WithoutCaCertificate_Is502UpstreamTls_WithOneLogLineNamingTheCause()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        var line = AssertOneTlsLine(proxy, "untrusted-chain");
        Assert.Contains("not trusted by the system store", line.Message, StringComparison.Ordinal);
        Assert.Contains(backend.BaseAddress.ToString(), line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateFromAnotherCa_IsRefused_NeverTheSystemStore()
    {
        using var other = new TestCertificateAuthority("Other CA");
        await using var backend = await TlsBackend.StartAsync(other.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        Assert.Contains("does not lead to the CA bundle", AssertOneTlsLine(proxy, "untrusted-chain").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NameMismatch_Is502_AndServerNameMakesItPass_SentAsSni()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("restpp.internal"));
        var bundle = _ca.WriteBundle(_directory);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(bundle)));

        using var mismatch = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(mismatch);
        Assert.Contains("does not match the host name (it names restpp.internal)", AssertOneTlsLine(proxy, "name-mismatch").Message, StringComparison.Ordinal);

        // The same cluster with the name the certificate carries, by a hot reload of the routes.
        var named = Ca(bundle);
        named["AuthProxy.ServerName"] = "restpp.internal";
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, TlsRoutes.Json(backend.BaseAddress, named));
        await ProxyHost.EventuallyAsync(async () => (await proxy.Client.GetAsync("tls/x")).StatusCode == HttpStatusCode.OK, "the server name is in force");

        using var response = await proxy.Client.GetAsync("tls/x");
        Assert.Equal("restpp.internal", (await response.EchoAsync()).GetProperty("sni").GetString());
    }

    [Fact]
    public async Task ExpiredCertificate_Is502_Expired()
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer(["localhost"], now.AddDays(-10), now.AddDays(-1)));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        Assert.Contains("the certificate expired at", AssertOneTlsLine(proxy, "expired").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotYetValidCertificate_Is502_NotYetValid()
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer(["localhost"], now.AddDays(1), now.AddDays(30)));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        AssertOneTlsLine(proxy, "not-yet-valid");
    }

    [Fact]
    public async Task TlsFailure_OnAProblemRoute_IsRfc7807()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress));

        using var response = await proxy.Client.SendAsync(Http.Get("/problem/x").WithBasic("kevin", TestUsers.KevinPassword));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(502, body.GetProperty("status").GetInt32());
        Assert.Equal("upstream-tls", body.GetProperty("reason").GetString());
        Assert.Equal("AUTHPROXY-502", body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ClientCertificateRequired_WithoutOne_Is502_ClientCertificateRefused(SslProtocols protocols)
    {
        using var clients = new TestCertificateAuthority("Client CA");
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), clientCa: clients, protocols: protocols);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        Assert.Contains("requires a client certificate and none is configured", AssertOneTlsLine(proxy, "client-certificate-refused").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ClientCertificate_IsSent_AndTheBackendSeesIt(SslProtocols protocols)
    {
        using var clients = new TestCertificateAuthority("Client CA");
        var client = clients.IssueClient("authproxy");
        var (certificate, key) = TestCertificateAuthority.WritePem(client, _directory, "client");
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), clientCa: clients, protocols: protocols);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Mtls(_ca.WriteBundle(_directory), certificate, key)));

        using var response = await proxy.Client.GetAsync("tls/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.EchoAsync();
        Assert.Equal("CN=authproxy", seen.GetProperty("clientSubject").GetString());
        Assert.Equal(client.SerialNumber, seen.GetProperty("clientSerial").GetString());
    }

    [Theory]
    [InlineData("tls1_2")]
    [InlineData("tls1_3")]
    public async Task OpenSslServer_RefusingWithAnAlert_Is502_ClientCertificateRefused(string protocol)
    {
        using var clients = new TestCertificateAuthority("Client CA");
        using var stranger = new TestCertificateAuthority("Stranger CA");
        var (serverCertificate, serverKey) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "server");
        var (certificate, key) = TestCertificateAuthority.WritePem(stranger.IssueClient("authproxy"), _directory, "client");
        await using var backend = await OpenSslServer.StartAsync(serverCertificate, serverKey, clients.WriteBundle(_directory), protocol);
        var bundle = _ca.WriteBundle(_directory);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(bundle)));

        using var none = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(none);
        Assert.Contains("requires a client certificate and none is configured", AssertOneTlsLine(proxy, "client-certificate-refused").Message, StringComparison.Ordinal);

        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, TlsRoutes.Json(backend.BaseAddress, Mtls(bundle, certificate, key)));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1002)), "the routes are reloaded");
        using var untrusted = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(untrusted);
        var refused = proxy.Logs.GetSnapshot().Last(r => r.Id.Id == 1503);
        Assert.Contains(": client-certificate-refused: the backend refused the client certificate CN=authproxy (TLS alert: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSslServer_WithTheClientCertificate_IsForwarded()
    {
        using var clients = new TestCertificateAuthority("Client CA");
        var (serverCertificate, serverKey) = TestCertificateAuthority.WritePem(_ca.IssueServer("localhost"), _directory, "server");
        var (certificate, key) = TestCertificateAuthority.WritePem(clients.IssueClient("authproxy"), _directory, "client");
        await using var backend = await OpenSslServer.StartAsync(serverCertificate, serverKey, clients.WriteBundle(_directory), "tls1_3");
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Mtls(_ca.WriteBundle(_directory), certificate, key)));

        using var response = await proxy.Client.GetAsync("tls/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("CN=authproxy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificate_FromAnIntermediateCa_IsSentWithItsChain()
    {
        using var clients = new TestCertificateAuthority("Client Root CA");
        using var intermediate = clients.IssueIntermediate("Client Issuing CA");
        var (certificate, key) = TestCertificateAuthority.WritePem(intermediate.IssueClient("authproxy"), _directory, "client", intermediate.Certificate);
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), clientCa: clients);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Mtls(_ca.WriteBundle(_directory), certificate, key)));

        using var response = await proxy.Client.GetAsync("tls/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=authproxy", (await response.EchoAsync()).GetProperty("clientSubject").GetString());
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRefused_ClientCertificateRefused()
    {
        using var clients = new TestCertificateAuthority("Client CA");
        using var stranger = new TestCertificateAuthority("Stranger CA");
        var (certificate, key) = TestCertificateAuthority.WritePem(stranger.IssueClient("authproxy"), _directory, "client");
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), clientCa: clients);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Mtls(_ca.WriteBundle(_directory), certificate, key)));

        using var response = await proxy.Client.GetAsync("tls/x");

        await AssertUpstreamTlsAsync(response);
        Assert.Contains("refused the client certificate CN=authproxy", AssertOneTlsLine(proxy, "client-certificate-refused").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DangerousAcceptAnyServerCertificate_IsRefusedAtStart_UnlessAllowed()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        var routes = TlsRoutes.Json(backend.BaseAddress, httpClient: "{ \"DangerousAcceptAnyServerCertificate\": true }");

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        Assert.Contains(refused.Problems, p => p.Contains("ReverseProxy:Clusters:tls: HttpClient:DangerousAcceptAnyServerCertificate", StringComparison.Ordinal)
            && p.Contains("AuthProxy:Upstream:AllowDangerousCertificates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DangerousAcceptAnyServerCertificate_WhenAllowed_IsForwarded_WarnedAtEveryLoad_AndCounted()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        var routes = TlsRoutes.Json(backend.BaseAddress, httpClient: "{ \"DangerousAcceptAnyServerCertificate\": true }");
        await using var proxy = await ProxyHost.StartAsync(routes, settings: new Dictionary<string, string> { ["AuthProxy:Upstream:AllowDangerousCertificates"] = "true" });

        using var response = await proxy.Client.GetAsync("tls/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warning = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1504);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Cluster tls accepts ANY certificate", warning.Message, StringComparison.Ordinal);
        Assert.Matches(DangerousGauge(1), await proxy.Client.GetStringAsync("/metrics"));

        // A reload that keeps the cluster warns again.
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, routes.Replace("/tls/{**rest}", "/tls2/{**rest}", StringComparison.Ordinal));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Count(r => r.Id.Id == 1504) == 2), "the reload warns again");

        // A reload that drops the setting is no longer counted.
        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, TlsRoutes.Json(backend.BaseAddress, Ca(_ca.WriteBundle(_directory))));
        await ProxyHost.EventuallyAsync(async () => DangerousGauge(0).IsMatch(await proxy.Client.GetStringAsync("/metrics")), "the gauge drops to 0");
    }

    [Fact]
    public async Task DangerousAcceptAnyServerCertificate_AddedByAReload_IsRefused_AndTheRoutesInForceStay()
    {
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        var bundle = _ca.WriteBundle(_directory);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(bundle)));

        await ProxyHost.ReplaceFileAsync(proxy.RoutesPath, TlsRoutes.Json(backend.BaseAddress, httpClient: "{ \"DangerousAcceptAnyServerCertificate\": true }"));
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 1004)), "the change is refused");

        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1003 && r.Message.Contains("DangerousAcceptAnyServerCertificate", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.GetAsync("tls/x")).StatusCode);
    }

    [Fact]
    public async Task BadTlsSettings_AreRefusedAtStart_EveryProblemListed()
    {
        var metadata = new Dictionary<string, string>
        {
            ["AuthProxy.CaCertificate"] = Path.Combine(_directory, "missing.pem"),
            ["AuthProxy.ClientCertificate"] = Path.Combine(_directory, "client.pem"),
            ["AuthProxy.ServerName"] = "not a name",
            ["AuthProxy.CaCertficate"] = "typo.pem",
        };
        var routes = TlsRoutes.Json(new Uri("http://127.0.0.1:9/"), metadata);

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        string[] expected =
        [
            "Metadata:AuthProxy.CaCertficate: unknown AuthProxy setting",
            "Metadata:AuthProxy.CaCertificate (" + Path.Combine(_directory, "missing.pem") + "): the CA bundle cannot be read",
            "Metadata:AuthProxy.ClientCertificate and AuthProxy.ClientKey go together",
            "Metadata:AuthProxy.ServerName: 'not a name' is not a host name or IP address",
            "Destinations:main: the address http://127.0.0.1:9/ is not https",
        ];
        Assert.All(expected, e => Assert.Contains(refused.Problems, p => p.Contains(e, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ClientCertificateNotMatchingItsKey_IsRefusedAtStart()
    {
        using var clients = new TestCertificateAuthority("Client CA");
        var (certificate, _) = TestCertificateAuthority.WritePem(clients.IssueClient("one"), _directory, "one");
        var (_, otherKey) = TestCertificateAuthority.WritePem(clients.IssueClient("two"), _directory, "two");
        var routes = TlsRoutes.Json(new Uri("https://127.0.0.1:9/"), Mtls(_ca.WriteBundle(_directory), certificate, otherKey));

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        Assert.Contains(refused.Problems, p => p.Contains("Metadata:AuthProxy.ClientCertificate", StringComparison.Ordinal)
            && p.Contains("cannot be read together", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaBundleReplaced_UnderLoad_TrustMovesToTheNewCa_WithNoFailedRequest()
    {
        using var next = new TestCertificateAuthority("Next Backend CA");
        var bundle = Path.Combine(_directory, "backend-ca.pem");
        await File.WriteAllTextAsync(bundle, _ca.Certificate.ExportCertificatePem());
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), closeConnections: true);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(bundle), http11: true));
        var oldCertificate = backend.Certificate;

        await using (var load = new LoadLoop(cancel => proxy.Client.GetAsync("tls/x", cancel)))
        {
            await load.SucceedMoreAsync(20);

            // The rotation as an operator does it: trust both CAs, move the backend, then drop the old CA.
            await ProxyHost.ReplaceFileAsync(bundle, _ca.Certificate.ExportCertificatePem() + "\n" + next.Certificate.ExportCertificatePem());
            await ReloadedAsync(proxy, 1);
            backend.Certificate = next.IssueServer("localhost");
            await load.SucceedMoreAsync(20);
            await ProxyHost.ReplaceFileAsync(bundle, next.Certificate.ExportCertificatePem());
            await ReloadedAsync(proxy, 2);
            await load.SucceedMoreAsync(20);
            await load.StopAsync();

            Assert.Empty(load.Failures);
        }

        // The old CA is no longer trusted: the bundle really was read again. (Connections opened for
        // requests the loop cancelled may be waiting in the pool; each serves one request.)
        backend.Certificate = oldCertificate;
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 10 && !answers.Contains(HttpStatusCode.BadGateway); attempt++)
        {
            using var answer = await proxy.Client.GetAsync("tls/x");
            answers.Add(answer.StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadGateway, answers[^1]);
        Assert.Contains("does not lead to the CA bundle", AssertOneTlsLine(proxy, "untrusted-chain").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificateReplaced_UnderLoad_NewConnectionsSendTheNewOne_WithNoFailedRequest()
    {
        using var clients = new TestCertificateAuthority("Client CA");
        var first = clients.IssueClient("authproxy");
        var (certificate, key) = TestCertificateAuthority.WritePem(first, _directory, "client");
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"), clientCa: clients, closeConnections: true);
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Mtls(_ca.WriteBundle(_directory), certificate, key), http11: true));

        var second = clients.IssueClient("authproxy");
        await using (var load = new LoadLoop(cancel => proxy.Client.GetAsync("tls/x", cancel)))
        {
            await load.SucceedMoreAsync(20);
            TestCertificateAuthority.WritePemTo(second, certificate, key); // the certificate, then its key: a moment when they do not match
            await ProxyHost.EventuallyAsync(() => Task.FromResult(backend.ClientSerials.Contains(second.SerialNumber)), "a connection sends the new certificate");
            await load.SucceedMoreAsync(20);
            await load.StopAsync();

            Assert.Empty(load.Failures);
        }

        Assert.Equal(first.SerialNumber, backend.ClientSerials.First());
        Assert.Equal(second.SerialNumber, backend.ClientSerials.Last());
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => r.Id.Id == 2002);
    }

    [Fact]
    public async Task CaBundleBrokenByAnEdit_KeepsTheLastGoodBundle_AndSaysSo()
    {
        var bundle = _ca.WriteBundle(_directory);
        await using var backend = await TlsBackend.StartAsync(_ca.IssueServer("localhost"));
        await using var proxy = await ProxyHost.StartAsync(TlsRoutes.Json(backend.BaseAddress, Ca(bundle)));

        await ProxyHost.ReplaceFileAsync(bundle, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 2002)), "the broken bundle is refused");

        var refused = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == 2002);
        Assert.Contains(bundle, refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.GetAsync("tls/x")).StatusCode);
    }

    private static System.Text.RegularExpressions.Regex DangerousGauge(int value) => new($@"\nauthproxy_upstream_dangerous_certificates(\{{[^}}]*\}})? {value}\n");

    private static Dictionary<string, string> Ca(string bundle) => new() { ["AuthProxy.CaCertificate"] = bundle };

    private static Dictionary<string, string> Mtls(string bundle, string certificate, string key) => new()
    {
        ["AuthProxy.CaCertificate"] = bundle,
        ["AuthProxy.ClientCertificate"] = certificate,
        ["AuthProxy.ClientKey"] = key,
    };

    private static async Task ReloadedAsync(ProxyHost proxy, int times)
    {
        try
        {
            await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Count(r => r.Id.Id == 2001) >= times), $"the certificate files are reloaded ({times})");
        }
        catch (Exception)
        {
            Console.WriteLine("DEBUG " + string.Join("\n", proxy.Logs.GetSnapshot().Select(r => $"{r.Id.Id} {r.Category} {r.Message}")));
            throw;
        }
    }

    private static async Task AssertUpstreamTlsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("upstream-tls", body.GetProperty("reason").GetString());
        Assert.Equal("AUTHPROXY-502", body.GetProperty("code").GetString());
        Assert.Equal("The TLS connection to the backend of cluster tls failed", body.GetProperty("message").GetString());
        Assert.True(body.GetProperty("error").GetBoolean());
    }

    /// <summary>Exactly one warning line (event 1503) with the cause, and no line at Warning or above carrying a stack trace.</summary>
    private static Microsoft.Extensions.Logging.Testing.FakeLogRecord AssertOneTlsLine(ProxyHost proxy, string cause)
    {
        var logs = proxy.Logs.GetSnapshot();
        var line = Assert.Single(logs, r => r.Id.Id == 1503);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($": {cause}: ", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, r => r.Id.Id == 1501);
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Warning && (r.Exception is not null || r.Message.Contains("   at ", StringComparison.Ordinal)));
        return line;
    }
}
