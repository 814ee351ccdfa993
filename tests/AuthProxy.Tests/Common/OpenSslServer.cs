using System.Diagnostics;
using System.Net.Sockets;

namespace AuthProxy.Tests.Common;

/// <summary>
/// OpenSSL's own TLS server (<c>openssl s_server -www</c>) on a loopback port: unlike Kestrel, it
/// refuses a missing or untrusted client certificate with a TLS alert (during the handshake in
/// TLS 1.2, right after it in TLS 1.3), as nginx's upstreams, Jetty (GridGain) and Envoy do.
/// </summary>
public sealed class OpenSslServer : IAsyncDisposable
{
    private readonly Process _process;

    private OpenSslServer(Process process, Uri address)
    {
        _process = process;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    /// <param name="certificate">The server's PEM certificate file.</param>
    /// <param name="key">Its PEM key file.</param>
    /// <param name="clientCa">The PEM bundle client certificates must chain to (one is required).</param>
    /// <param name="protocol"><c>tls1_2</c> or <c>tls1_3</c>.</param>
    public static async Task<OpenSslServer> StartAsync(string certificate, string key, string clientCa, string protocol)
    {
        var port = ProxyHost.FreePort();
        var start = new ProcessStartInfo("openssl")
        {
            ArgumentList = { "s_server", "-accept", $"127.0.0.1:{port}", "-cert", certificate, "-key", key, "-CAfile", clientCa, "-Verify", "1", "-verify_return_error", "-www", "-" + protocol, "-quiet" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start openssl s_server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await ProxyHost.EventuallyAsync(async () =>
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "openssl s_server listens");
        return new OpenSslServer(process, new Uri($"https://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
