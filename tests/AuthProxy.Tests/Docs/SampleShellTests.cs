using System.Text.RegularExpressions;

namespace AuthProxy.Tests.Docs;

/// <summary>The samples, run with the exact commands of their READMEs: each passes <c>config validate</c> first, then answers.</summary>
public sealed class SampleShellTests
{
    [Fact]
    public async Task MultiIssuer_Validates_ThenEachProvidersTokenPasses_AndAnUndeclaredIssuerIsRefused()
    {
        var run = await DocumentedShellBlocks.RunAsync("multi-issuer");

        run.AssertPrinted("The configuration is valid", "Security:JWT:Providers:corp (discovery): 1 key(s)",
            "Security:JWT:Providers:partner:Keys:0 (file ", "Security:JWT:Providers:legacy:Keys:0 (https://localhost:",
            "\"reason\":\"issuer\"", "has issuer https://stranger.example, which is not a trusted issuer",
            "3 key source(s) loaded");
        Assert.Equal(3, Regex.Count(run.Output, "\"message\":\"query friends on graph social\""));
    }

    [Fact]
    public async Task TigerGraph_KeyUrlWithSslCaCert_Validates_ThenAnswers()
    {
        var run = await DocumentedShellBlocks.RunAsync("tigergraph");

        run.AssertPrinted("Security.JWT.RSA.PublicKey set in", "The configuration is valid", "Security:JWT:RSA:PublicKey (https://localhost:",
            "\"message\":\"query friends on graph social\"", "\"reason\":\"graph-scope\"");
    }
}
