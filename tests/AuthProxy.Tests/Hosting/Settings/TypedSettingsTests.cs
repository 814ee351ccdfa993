using AuthProxy.Configuration;
using AuthProxy.Hosting;
using AuthProxy.Hosting.Settings;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tests.Hosting.Settings;

/// <summary>
/// Every setting whose value is not text reads as its type or is one problem line (key, value, the
/// form expected), at start, in <c>config validate</c> and in <c>config set</c>; durations take the
/// forms operators type.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TypedSettingsTests(BackendProcess backend)
{
    private readonly string _directory = ProxyHost.CreateDirectory();

    private async Task<(int Exit, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(args, new StringReader(string.Empty), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task EveryTypedSetting_WithAValueOfTheWrongForm_IsOneProblemLine_NamingKeyValueAndForm()
    {
        var routes = Path.Combine(_directory, "routes.json");
        await File.WriteAllTextAsync(routes, TestRoutes.Standard(backend.BaseAddress));
        var typed = KnownSettings.Typed.Select(p => p.Key).ToList();
        Assert.True(typed.Count > 40, $"only {typed.Count} typed settings found");

        var (exit, _, error) = await CliAsync(["config", "validate", "--routes", routes, $"--contentRoot={_directory}", .. typed.Select(k => $"--{k}=x!y")]);

        Assert.Equal(2, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var key in typed)
        {
            var line = Assert.Single(lines, l => l.StartsWith($"  - {key}: ", StringComparison.Ordinal));
            Assert.Contains("'x!y' ", line, StringComparison.Ordinal);
            Assert.Matches("(is not|cannot be read as) ", line);
        }

        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "data")), "config validate writes nothing");
    }

    [Fact]
    public async Task Durations_TakeTimeSpansForms_AndNumbersWithAUnit_AtStart()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["AuthProxy:KeyFetch:RefreshInterval"] = "5m",
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "30s",
            ["AuthProxy:KeyFetch:GracePeriod"] = "14d",
            ["AuthProxy:KeyFetch:RetryDelay"] = "250ms",
            ["AuthProxy:KeyFetch:TotalTimeout"] = "1m30s",
            ["AuthProxy:ShutdownTimeout"] = "1h",
            ["Security:JWT:ClockSkew"] = "00:05:00",
            ["AuthProxy:Throttling:Window"] = "1.5m",
        });

        var keys = proxy.Services.GetRequiredService<IOptions<KeyFetchOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), keys.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), keys.MinimumRefreshInterval);
        Assert.Equal(TimeSpan.FromDays(14), keys.GracePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(250), keys.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(90), keys.TotalTimeout);
        Assert.Equal(TimeSpan.FromHours(1), proxy.Services.GetRequiredService<IOptions<AuthProxyOptions>>().Value.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), proxy.Services.GetRequiredService<IOptions<JwtOptions>>().Value.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(90), proxy.Services.GetRequiredService<IOptions<ThrottlingOptions>>().Value.Window);
    }

    [Theory]
    [InlineData("00:05:00", 300)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("14d", 1209600)]
    [InlineData("1h30m", 5400)]
    [InlineData(" 2m ", 120)]
    public void Duration_ReadsTheDocumentedForms(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("-5m")]
    [InlineData("5M")]
    [InlineData("")]
    [InlineData("99999999999999d")]
    public void Duration_RefusesBareNumbers_AndOtherForms(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public async Task ConfigSet_TakesAShortDuration_AndRefusesABadOne_InOneLine_Exit2()
    {
        var settings = Path.Combine(_directory, "authproxy.settings.json");

        var good = await CliAsync("config", "set", "AuthProxy.KeyFetch.RefreshInterval", "5m", "--settings", settings);
        var bad = await CliAsync("config", "set", "AuthProxy.KeyFetch.GracePeriod", "5x", "--settings", settings);

        Assert.True(good.Exit == 0, good.Error);
        Assert.Contains("\"RefreshInterval\": \"5m\"", await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
        Assert.Equal(2, bad.Exit);
        Assert.Equal(
            [
                "[Error] AuthProxy:KeyFetch:GracePeriod: '5x' is not a duration; use " + Duration.Forms,
                $"[Error] nothing was written; {settings} is unchanged",
            ],
            bad.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("GracePeriod", await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigSet_TakesTheSettingsFile_BeforeOrAfterTheVerb()
    {
        var settings = Path.Combine(_directory, "authproxy.settings.json");

        var after = await CliAsync("config", "set", "Security.JWT.Issuer", "https://idp.example", "--settings", settings);
        var before = await CliAsync("config", "--settings", settings, "set", "Security.JWT.Audience", "authproxy");
        var get = await CliAsync("config", "get", "Security.JWT.Issuer", "--settings", settings);

        Assert.True(after.Exit == 0, after.Error);
        Assert.True(before.Exit == 0, before.Error);
        Assert.Equal("https://idp.example", get.Output.Trim());
        var file = await File.ReadAllTextAsync(settings);
        Assert.Contains("\"Issuer\": \"https://idp.example\"", file, StringComparison.Ordinal);
        Assert.Contains("\"Audience\": \"authproxy\"", file, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "authproxy.settings.json")));
    }
}
