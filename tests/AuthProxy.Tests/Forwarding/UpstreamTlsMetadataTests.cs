using AuthProxy.Forwarding;

namespace AuthProxy.Tests.Forwarding;

/// <summary>A cluster's TLS settings from its metadata: names in any case, paths from the content root, and what makes two versions of a cluster differ.</summary>
public sealed class UpstreamTlsMetadataTests
{
    [Fact]
    public void Read_IgnoresCase_ResolvesRelativePaths_KeepsTheServerName()
    {
        var metadata = new Dictionary<string, string>
        {
            ["authproxy.cacertificate"] = "certs/ca.pem",
            ["AuthProxy.ClientCertificate"] = "/etc/authproxy/client.pem",
            ["AUTHPROXY.CLIENTKEY"] = "client.key",
            ["AuthProxy.ServerName"] = " restpp.internal ",
            ["Other"] = "x",
        };

        var settings = UpstreamTlsMetadata.Read(metadata, "/srv/authproxy");

        Assert.Equal(new UpstreamTlsSettings("/srv/authproxy/certs/ca.pem", "/etc/authproxy/client.pem", "/srv/authproxy/client.key", "restpp.internal"), settings);
        Assert.True(settings.IsSet);
        Assert.False(UpstreamTlsMetadata.Read(new Dictionary<string, string> { ["Other"] = "x" }, "/").IsSet);
        Assert.False(UpstreamTlsMetadata.Read(null, "/").IsSet);
    }

    [Fact]
    public void Fingerprint_ChangesWithAuthProxysSettingsOnly()
    {
        var one = new Dictionary<string, string> { ["AuthProxy.CaCertificate"] = "a.pem", ["Team"] = "graph" };
        var sameInOtherCase = new Dictionary<string, string> { ["authproxy.cacertificate"] = "a.pem", ["Team"] = "other" };
        var otherBundle = new Dictionary<string, string> { ["AuthProxy.CaCertificate"] = "b.pem" };

        Assert.Equal(UpstreamTlsMetadata.Fingerprint(one), UpstreamTlsMetadata.Fingerprint(sameInOtherCase));
        Assert.NotEqual(UpstreamTlsMetadata.Fingerprint(one), UpstreamTlsMetadata.Fingerprint(otherBundle));
        Assert.NotEqual(UpstreamTlsMetadata.Fingerprint(one), UpstreamTlsMetadata.Fingerprint(null));
    }
}
