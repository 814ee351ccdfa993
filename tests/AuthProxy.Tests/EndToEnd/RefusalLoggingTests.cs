using System.Net;
using System.Net.Sockets;
using System.Text;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A refusal AuthProxy expects costs one log line of its own, never a stack trace: an anonymous
/// client must not be able to write kilobytes to the log with a few bytes of body. A backend that
/// fails is still logged as a failure, in one line with its cause.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RefusalLoggingTests(BackendProcess backend)
{
    private static string Form(string body) =>
        $"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {Encoding.ASCII.GetByteCount(body)}\r\n";

    private static void AssertQuiet(IReadOnlyList<Microsoft.Extensions.Logging.Testing.FakeLogRecord> records, string what)
    {
        Assert.True(records.All(r => r.Exception is null), $"{what}: {string.Join(" | ", records.Where(r => r.Exception is not null).Select(r => $"{r.Category}[{r.Id.Id}]"))}");
        Assert.True(records.All(r => r.Level < LogLevel.Warning), $"{what}: {string.Join(" | ", records.Where(r => r.Level >= LogLevel.Warning).Select(r => $"{r.Category}[{r.Id.Id}] {r.Message}"))}");
    }

    [Fact]
    public async Task ABodyRefusedWhileForwarding_LogsOneLine_WithoutAStackTrace()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        var large = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"k{i}=v&")) + "_method=DELETE"; // found well after forwarding began
        (string Headers, string Body)[] requests =
        [
            (Form("_method=DELETE"), "_method=DELETE"), // the finding: 14 bytes, 12,857 bytes of log
            (Form(large), large),
            ("Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n", "4\r\na=1&\r\nE\r\n_method=DELETE\r\n0\r\n\r\n"),
            ("Content-Type: application/json\r\nContent-Length: 19\r\n", """{"_method":"PATCH"}"""),
        ];
        proxy.Logs.Clear();

        foreach (var (headers, body) in requests)
        {
            var (status, answer) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo", headers, "POST", body);
            Assert.True(status == 400, answer);
        }

        var records = proxy.Logs.GetSnapshot();
        AssertQuiet(records, "refusals");
        // One line each at Information: the request's access line, naming the route, the reason and the parameter.
        // (Readiness is logged once, by a background check that may come after the start.)
        var lines = records.Where(r => r.Level >= LogLevel.Information && r.Id.Id is not (LogEvents.Ready or LogEvents.NotReady)).ToList();
        Assert.True(requests.Length == lines.Count, string.Join("\n", lines.Select(l => $"{l.Id.Id} {l.Category} {l.Message}")));
        Assert.All(lines, r => Assert.Equal(LogEvents.RequestLogged, r.Id.Id));
        Assert.All(lines, r => Assert.Contains("POST /restpp/echo 400 refused bad-parameter route=restpp-echo", r.Message, StringComparison.Ordinal));
        Assert.All(lines, r => Assert.Contains("'_method'", r.Message, StringComparison.Ordinal));
        Assert.All(lines, r => Assert.True(r.Message.Length < 512, r.Message));
    }

    [Fact]
    public async Task ABackendThatFails_IsStillLoggedAsAFailure()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(new Uri($"http://127.0.0.1:{port}/")));
        proxy.Logs.Clear();

        var (status, _) = await Http.RawAsync(proxy.BaseAddress, "/restpp/echo", Form("a=1"), "POST", "a=1");

        Assert.Equal(502, status);
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.ForwardingFailed && r.Level == LogLevel.Warning);
        var failure = Assert.Single(proxy.Logs.GetSnapshot(), r => r.Id.Id == LogEvents.ForwardingFailed);
        Assert.Contains("HttpRequestException", failure.Message, StringComparison.Ordinal); // the cause, in the one line
        AssertQuiet([.. proxy.Logs.GetSnapshot().Where(r => r.Id.Id != LogEvents.ForwardingFailed)], "a failing backend");
    }
}
