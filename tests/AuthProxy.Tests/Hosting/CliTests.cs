using AuthProxy.Hosting;
using AuthProxy.Tests.Common;
using AuthProxy.Users;

namespace AuthProxy.Tests.Hosting;

public sealed class CliTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, new StringReader(input), output, error);
        return (exit, output.ToString().Trim(), error.ToString());
    }

    [Fact]
    public async Task HashPassword_PrintsAHashThatVerifies()
    {
        var (exit, output, _) = await RunAsync("correct horse\n", "hash-password");

        Assert.Equal(0, exit);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", output, StringComparison.Ordinal);
        Assert.True(PasswordHash.TryParse(output, out var hash, out _));
        Assert.True(hash!.Verify("correct horse"));
        Assert.DoesNotContain("correct horse", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashPassword_Pbkdf2_AndEmptyRefused()
    {
        var (exit, output, _) = await RunAsync("pw\n", "hash-password", "--algorithm", "pbkdf2-sha256");
        Assert.Equal(0, exit);
        Assert.StartsWith("$pbkdf2-sha256$i=600000$", output, StringComparison.Ordinal);

        var (emptyExit, _, error) = await RunAsync("\n", "hash-password");
        Assert.Equal(1, emptyExit);
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintToken_IsAcceptedByTheValidator()
    {
        var (exit, token, _) = await RunAsync("", "mint-token", "--secret", TestTokens.HmacSecret, "--sub", "kevin", "--graph", "social", "--aud", "a", "--aud", "b");
        Assert.Equal(0, exit);

        await using var validators = await Validators.CreateAsync(new Dictionary<string, string?> { ["Security:JWT:HMAC:Secret"] = TestTokens.HmacSecret, ["Security:JWT:Audience"] = "b" }, TimeProvider.System);
        var result = await validators.ValidateAsync(token);
        Assert.True(result.Succeeded, result.Refusal.Message);
        Assert.Equal("social", result.Caller!.TokenGraph);
    }

    [Fact]
    public async Task MintToken_ReadsAtPathFiles_NotResponseFiles()
    {
        var path = Path.Combine(ProxyHost.CreateDirectory(), "secret");
        await File.WriteAllTextAsync(path, TestTokens.HmacSecret + "\n");

        var (exit, token, error) = await RunAsync("", "mint-token", "--secret", "@" + path, "--sub", "kevin");

        Assert.True(exit == 0, error);
        await using var validators = await Validators.CreateAsync(new Dictionary<string, string?> { ["Security:JWT:HMAC:Secret"] = TestTokens.HmacSecret }, TimeProvider.System);
        Assert.True((await validators.ValidateAsync(token)).Succeeded);
    }

    [Fact]
    public async Task MintToken_RefusesAWeakSecret()
    {
        var (exit, _, error) = await RunAsync("", "mint-token", "--secret", "short", "--sub", "kevin");

        Assert.Equal(1, exit);
        Assert.Contains("needs at least 32", error, StringComparison.Ordinal);
    }
}
