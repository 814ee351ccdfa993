using Microsoft.Extensions.Configuration.UserSecrets;

namespace AuthProxy.Tests.Docs;

/// <summary>The README's blocks that bring keys from elsewhere: a key URL over TLS, and dotnet user-jwts.</summary>
public sealed class KeyShellTests
{
    /// <summary>The project's <c>UserSecretsId</c>, where <c>dotnet user-jwts</c> keeps its signing key.</summary>
    private const string SecretsId = "authproxy-5d0e5b1c2f4e4a8e9c3b";

    [Fact]
    public async Task AKeyUrlOverTls_VerifiesAMintedToken()
    {
        var run = await DocumentedShellBlocks.RunAsync("key-url");

        run.AssertPrinted("\"error\":false", "\"message\":\"query q on graph social\"");
    }

    [Fact]
    public async Task DotnetUserJwts_TokensWorkInDevelopment()
    {
        // The block writes the tool's key into this machine's user secrets for AuthProxy: put them back as they were.
        var secrets = PathHelper.GetSecretsPathFromSecretsId(SecretsId);
        var before = File.Exists(secrets) ? await File.ReadAllBytesAsync(secrets) : null;
        try
        {
            var run = await DocumentedShellBlocks.RunAsync("user-jwts");

            run.AssertPrinted("\"error\":false", "\"message\":\"query hello on graph social\"");
        }
        finally
        {
            if (before is null)
            {
                if (File.Exists(secrets))
                {
                    Directory.Delete(Path.GetDirectoryName(secrets)!, recursive: true);
                }
            }
            else
            {
                await File.WriteAllBytesAsync(secrets, before);
            }
        }
    }
}
