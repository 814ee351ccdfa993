using System.Security.Authentication;
using AuthProxy.Tls;

namespace AuthProxy.Tests.Tls;

/// <summary>A server's TLS alert, as OpenSSL words it in the exception, names the cause of the failure.</summary>
public sealed class TlsAlertsTests
{
    [Theory]
    [InlineData("error:0A00045C:SSL routines::tlsv13 alert certificate required", false, null, "client-certificate-refused")]
    [InlineData("error:0A000418:SSL routines::tlsv1 alert unknown ca", true, "CN=authproxy", "client-certificate-refused")]
    [InlineData("error:0A000412:SSL routines::sslv3 alert bad certificate", true, "CN=authproxy", "client-certificate-refused")]
    [InlineData("error:0A000410:SSL routines::sslv3 alert handshake failure", true, null, "client-certificate-refused")]
    [InlineData("error:0A000410:SSL routines::sslv3 alert handshake failure", false, null, "handshake")]
    [InlineData("error:0A00042E:SSL routines::tlsv1 alert protocol version", false, null, "handshake")]
    [InlineData("error:0A00010B:SSL routines::wrong version number", false, null, "handshake")]
    public void Classify_ReadsTheAlert(string openSslMessage, bool asked, string? sent, string expected)
    {
        var exception = new AuthenticationException("Authentication failed, see inner exception.", new IOException(openSslMessage));

        var failure = TlsAlerts.Classify(exception, asked, sent);

        Assert.Equal(expected, failure.Word);
    }

    [Fact]
    public void RefusedClientCertificate_IsNamed_AndAMissingOneSaysWhatToSet()
    {
        var refused = TlsAlerts.Classify(new IOException("x", new IOException("tlsv1 alert unknown ca")), askedForCertificate: true, "CN=authproxy");
        var missing = TlsAlerts.Classify(new IOException("x", new IOException("tlsv13 alert certificate required")), askedForCertificate: true, clientCertificate: null);

        Assert.Equal("the backend refused the client certificate CN=authproxy (TLS alert: unknown ca)", refused.Detail);
        Assert.Contains("set AuthProxy.ClientCertificate and AuthProxy.ClientKey", missing.Detail, StringComparison.Ordinal);
        Assert.Equal("client-certificate-refused", missing.Word);
    }

    [Fact]
    public void NoAlert_IsAHandshakeFailure_WithThePlatformsMessage()
    {
        var failure = TlsAlerts.Classify(new IOException("outer", new IOException("Received an unexpected EOF or 0 bytes from the transport stream.")), false, null);

        Assert.Equal("handshake", failure.Word);
        Assert.Equal("the TLS handshake failed: Received an unexpected EOF or 0 bytes from the transport stream.", failure.Detail);
    }
}
