using System.Net;
using AuthProxy.Hosting;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Hosting.Settings;

/// <summary>The operator's settings file through the <c>config</c> verbs, and a running proxy reading it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConfigCommandTests(BackendProcess backend)
{
    private readonly string _directory = ProxyHost.CreateDirectory();

    private string SettingsPath => Path.Combine(_directory, "authproxy.settings.json");

    private async Task<(int Exit, string Output, string Error)> ConfigAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(["config", "--settings", SettingsPath, .. args], new StringReader(input), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Set_AcceptsTigerGraphsDottedNames_AndTheColonForm()
    {
        var (exit, output, _) = await ConfigAsync("", "set", "Security.JWT.Issuer", "TigerGraph");
        var (exit2, _, _) = await ConfigAsync("", "set", "GSQL:Token:DropLimit", "30");
        var (getExit, value, _) = await ConfigAsync("", "get", "security.jwt.issuer");

        Assert.Equal(0, exit);
        Assert.Equal(0, exit2);
        Assert.Contains("Restart AuthProxy for this setting to take effect", output, StringComparison.Ordinal);
        Assert.Equal(0, getExit);
        Assert.Equal("TigerGraph", value.Trim());
        var file = await File.ReadAllTextAsync(SettingsPath);
        Assert.Contains("\"Issuer\": \"TigerGraph\"", file, StringComparison.Ordinal);
        Assert.Contains("\"DropLimit\": \"30\"", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_BadValue_IsRefused_AndTheFileIsUntouched()
    {
        await ConfigAsync("", "set", "Security.JWT.Issuer", "TigerGraph");
        var before = await File.ReadAllTextAsync(SettingsPath);

        var cases = new[]
        {
            ("GSQL.Token.DropLimit", "51", "DropLimit"),
            ("Security.JWT.HMAC.Secret", "too-short", "HMAC secret is 9 bytes"),
            ("Security.JWT.RSA.PublicKey", "@/no/such/file.pem", "the file does not exist"),
            ("Security.JWT.ClockSkew", "02:00:00", "ClockSkew"),
            ("Security.JWT.Providers.okta.Keys", "http://insecure.example/keys", "key URLs must be absolute https URLs"),
            ("AuthProxy.Store.Provider", "Postgres", "must be Sqlite"),
        };
        foreach (var (key, value, expected) in cases)
        {
            var (exit, _, error) = await ConfigAsync("", "set", key, value);
            Assert.Equal(2, exit); // a problem with the settings, as a start that refuses them
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.Contains("nothing was written", error, StringComparison.Ordinal);
            Assert.DoesNotContain("too-short", error.Replace("'too-short'", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal(before, await File.ReadAllTextAsync(SettingsPath));
    }

    [Fact]
    public async Task UnknownSettings_AreRefused()
    {
        var (exit, _, error) = await ConfigAsync("", "set", "Security.JWT.Isuer", "x");

        Assert.Equal(2, exit);
        Assert.Contains("is not a setting AuthProxy knows", error, StringComparison.Ordinal);
        Assert.False(File.Exists(SettingsPath));
    }

    [Fact]
    public async Task Secrets_AreNeverPrintedBack_PathsAre()
    {
        var secret = "a-long-enough-shared-secret-for-hs256-0123456789";
        var keyFile = Path.Combine(_directory, "jwt.pem");
        await File.WriteAllTextAsync(keyFile, TestTokens.RsaPublicPem);

        var (setExit, setOutput, _) = await ConfigAsync("", "set", "Security.JWT.HMAC.Secret", secret);
        await ConfigAsync("", "set", "Security.JWT.RSA.PublicKey", "@" + keyFile);
        var (_, get, _) = await ConfigAsync("", "get", "Security.JWT.HMAC.Secret");
        var (_, list, _) = await ConfigAsync("", "list");

        Assert.Equal(0, setExit);
        Assert.DoesNotContain(secret, setOutput + get + list, StringComparison.Ordinal);
        Assert.Contains($"(hidden, {secret.Length} characters)", get, StringComparison.Ordinal);
        Assert.Contains("Security.JWT.RSA.PublicKey: @" + keyFile, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_AnInlineSecret_LeavesTheSettingsFileReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }

        // A settings file an operator made readable by all, before any secret was in it.
        await File.WriteAllTextAsync(SettingsPath, "{ \"Security\": { \"JWT\": { \"Issuer\": \"TigerGraph\" } } }\n");
        File.SetUnixFileMode(SettingsPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (exit, _, error) = await ConfigAsync("", "set", "Security.JWT.HMAC.Secret", "a-long-enough-shared-secret-for-hs256-0123456789");
        Assert.True(exit == 0, error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SettingsPath));
        Assert.Contains("\"Issuer\": \"TigerGraph\"", await File.ReadAllTextAsync(SettingsPath), StringComparison.Ordinal);

        // The same from scratch, and through config entry.
        File.Delete(SettingsPath);
        var (entryExit, _, entryError) = await ConfigAsync("\n\n\na-long-enough-shared-secret-for-hs256-0123456789\n\n", "entry", "security");
        Assert.True(entryExit == 0, entryError);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SettingsPath));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Entry_Security_AsksForEachKey_EmptyAnswersChangeNothing()
    {
        var keyFile = Path.Combine(_directory, "pub.pem");
        await File.WriteAllTextAsync(keyFile, TestTokens.RsaPublicPem);

        var (exit, output, error) = await ConfigAsync($"User\n\n@{keyFile}\n\n\n", "entry", "security");

        Assert.True(exit == 0, error);
        Assert.Contains("Security.JWT.Issuer [ (not set) ]: The Issuer for jwt token header", output, StringComparison.Ordinal);
        Assert.Contains("[Warning] Please use @filepath to set value of Security.JWT.RSA.PublicKey in interactive mode, or leave it empty to skip", output, StringComparison.Ordinal);
        Assert.Contains("[  Info] no changes for Security.JWT.HMAC.Secret", output, StringComparison.Ordinal);
        var (_, issuer, _) = await ConfigAsync("", "get", "Security.JWT.Issuer");
        var (_, publicKey, _) = await ConfigAsync("", "get", "Security.JWT.RSA.PublicKey");
        Assert.Equal("User", issuer.Trim());
        Assert.Equal("@" + keyFile, publicKey.Trim());
    }

    [Fact]
    public async Task ARunningProxy_PicksUpUsersAtOnce_AndSaysWhenARestartIsNeeded()
    {
        var initialUsers = Path.Combine(_directory, "users.json");
        await File.WriteAllTextAsync(initialUsers, TestUsers.Json());
        Assert.Equal(0, (await ConfigAsync("", "set", "Users", "@" + initialUsers)).Exit);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["settings"] = SettingsPath,
        }, usersOnCommandLine: false);
        using (var before = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("carol", "carol-password")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        // The users come from the settings file now, and carol is in them.
        var users = Path.Combine(_directory, "more-users.json");
        await File.WriteAllTextAsync(users, TestUsers.Json().Replace("\"tokenonly\"", $"\"carol\": {{ \"PasswordHash\": \"{TestUsers.Pbkdf2("carol-password")}\" }}, \"tokenonly\"", StringComparison.Ordinal));
        var (exit, output, error) = await ConfigAsync("", "set", "Users", "@" + users);
        Assert.True(exit == 0, error);
        Assert.Contains("A running AuthProxy applies this setting at once", output, StringComparison.Ordinal);

        await ProxyHost.EventuallyAsync(async () =>
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("carol", "carol-password"));
            return response.StatusCode == HttpStatusCode.OK;
        }, "carol can log in");

        await ConfigAsync("", "set", "Security.JWT.Issuer", "NewIssuer");
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 11 && r.Message.Contains("Security:JWT:Issuer", StringComparison.Ordinal))),
            "the proxy says a restart is needed");

        // A hand edit that breaks the file is refused; the users stay.
        await File.WriteAllTextAsync(SettingsPath, "{ \"Users\": ");
        await ProxyHost.EventuallyAsync(() => Task.FromResult(proxy.Logs.GetSnapshot().Any(r => r.Id.Id == 10)), "the broken edit is logged");
        using var after = await proxy.Client.SendAsync(Http.Get("/restpp/version").WithBasic("carol", "carol-password"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
