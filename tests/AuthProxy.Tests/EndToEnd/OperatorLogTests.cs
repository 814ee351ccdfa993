using System.Net;
using System.Net.Sockets;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// What the log tells an operator about keys and readiness: one line per failed key fetch with its
/// cause (the detail at Debug), readiness changes once each, and the key files loaded at start.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperatorLogTests(BackendProcess backend) : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new();
    private WireMockServer _idp = null!;
    private string _bundle = null!;

    public Task InitializeAsync()
    {
        _idp = Start(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(ProxyHost.CreateDirectory());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    private static string Describe(IEnumerable<Microsoft.Extensions.Logging.Testing.FakeLogRecord> records) =>
        string.Join("\n", records.Select(r => $"{r.Level} {r.Category}[{r.Id.Id}] {r.Message}{(r.Exception is null ? string.Empty : " + " + r.Exception.GetType().Name)}"));

    [Fact]
    public async Task AKeyUrlThatCannotBeReached_IsOneLinePerFetch_WithTheCause_AndTheDetailAtDebug()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there: connection refused

        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Providers:idp:Issuer"] = "https://idp.example",
            ["Security:JWT:Providers:idp:Keys:0"] = $"https://127.0.0.1:{port}/jwks",
            ["AuthProxy:KeyFetch:MaxRetries"] = "3",
            ["AuthProxy:KeyFetch:RetryDelay"] = "10ms",
            ["AuthProxy:KeyFetch:InitialLoadTimeout"] = "30s",
            ["Logging:LogLevel:AuthProxy.Keys"] = "Debug",
            ["Logging:LogLevel:Polly"] = "Debug",
        });

        var records = proxy.Logs.GetSnapshot();
        var failed = Assert.Single(records, r => r.Id.Id == LogEvents.KeyFetchFailed);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("(connect): connection failed: Connection refused", failed.Message, StringComparison.Ordinal);
        // Nothing else about the fetch at Information or above, and no stack trace: the retries are detail.
        var loud = records.Where(r => r.Level >= LogLevel.Information && ((r.Category ?? string.Empty).StartsWith("Polly", StringComparison.Ordinal)
            || (r.Category ?? string.Empty).StartsWith("System.Net.Http", StringComparison.Ordinal) || r.Exception is not null)).ToList();
        Assert.True(loud.Count == 0, Describe(loud));
        var aboutTheFetch = records.Where(r => r.Level >= LogLevel.Information && r.Message.Contains($"127.0.0.1:{port}", StringComparison.Ordinal)
            && r.Id.Id != LogEvents.NotReady).ToList();
        Assert.True(aboutTheFetch.Count == 1, Describe(aboutTheFetch));
        // The detail: each of the 4 attempts (AuthProxy's request lines) and Polly's retries, at Debug.
        Assert.Equal(4, records.Count(r => r.Id.Id == LogEvents.KeyRequestFailed && r.Level == LogLevel.Debug));
        Assert.Contains(records, r => (r.Category ?? string.Empty).StartsWith("Polly", StringComparison.Ordinal) && r.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task OnceTheCircuitIsOpen_TheLineStillSaysWhatItIsOpenFor()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Providers:idp:Issuer"] = "https://idp.example",
            ["Security:JWT:Providers:idp:Keys:0"] = $"https://127.0.0.1:{port}/jwks",
            ["AuthProxy:KeyFetch:MaxRetries"] = "0",
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "1s",
            ["AuthProxy:KeyFetch:CircuitBreakerMinimumThroughput"] = "2",
        });

        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == LogEvents.KeyFetchFailed && r.Message.Contains("(circuit_open)", StringComparison.Ordinal))),
            "the circuit opens");
        var open = proxy.Logs.GetSnapshot().First(r => r.Id.Id == LogEvents.KeyFetchFailed && r.Message.Contains("(circuit_open)", StringComparison.Ordinal));
        Assert.Contains("the circuit to this host is open after repeated failures; the last failure: connection failed: Connection refused", open.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_IsLoggedOncePerChange_NotOncePerPoll()
    {
        using var key = TestKey.Ec("k1");
        _idp.Serve("/jwks", Response.Create().WithStatusCode(503));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["Security:JWT:Providers:idp:Issuer"] = "https://idp.example",
            ["Security:JWT:Providers:idp:Keys:0"] = _idp.Url("/jwks").ToString(),
            ["AuthProxy:KeyFetch:MaxRetries"] = "0",
            ["AuthProxy:KeyFetch:InitialLoadTimeout"] = "0s",
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "1s",
        });

        for (var i = 0; i < 10; i++)
        {
            using var poll = await proxy.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, poll.StatusCode);
        }

        var notReady = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.NotReady);
        Assert.Equal(LogLevel.Warning, notReady.Level);
        Assert.StartsWith($"Not ready: waiting for keys from Security:JWT:Providers:idp:Keys:0 ({_idp.Url("/jwks")})", notReady.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(proxy.Logs.GetSnapshot(), r => (r.Category ?? string.Empty).StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal));

        _idp.Serve("/jwks", Ok(TestKey.Jwks(key)));
        await ProxyHost.EventuallyAsync(async () =>
        {
            using var poll = await proxy.Client.GetAsync("/readyz");
            return poll.StatusCode == HttpStatusCode.OK;
        }, "the keys load");
        for (var i = 0; i < 10; i++)
        {
            using var poll = await proxy.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        }

        var ready = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.Ready);
        Assert.Equal("Ready: 2 key source(s), 10 route(s), 3 user(s)", ready.Message); // the HMAC secret and idp's URL
        Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.NotReady);
    }

    [Fact]
    public async Task KeysFromAFile_AndInline_AreLoggedAtStart()
    {
        var directory = ProxyHost.CreateDirectory();
        var pem = Path.Combine(directory, "jwt.pem");
        await File.WriteAllTextAsync(pem, TestTokens.RsaPublicPem);

        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory,
            settings: new Dictionary<string, string> { ["Security:JWT:RSA:PublicKey"] = "@jwt.pem" });

        var loaded = proxy.Logs.GetSnapshot().Where(r => r.Id.Id == LogEvents.KeysLoaded).Select(r => r.Message).ToList();
        Assert.Contains($"Keys loaded for Security:JWT:RSA:PublicKey (file {pem}): 1 key(s), kids [-]", loaded);
        Assert.Contains("Keys loaded for Security:JWT:HMAC:Secret (inline): 1 key(s), kids [-]", loaded);
    }
}
