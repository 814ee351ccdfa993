using System.Diagnostics;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Hosting.Settings;

/// <summary>
/// The container image's <c>config</c> flow, as its non-root user (uid 1654, the .NET images'
/// <c>app</c>): the settings file in a folder that user owns, or mounted on its own in a folder it
/// may not write. Run as that user through <c>setpriv</c> when the tests run as root (as CI does);
/// otherwise as the current user, for whom a folder without write permission is the same thing.
/// </summary>
public sealed class ContainerSettingsTests : IDisposable
{
    private const int AppUid = 1654;

    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _parent = ProxyHost.CreateDirectory();

    public void Dispose()
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            Directory.Delete(_parent, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public async Task TheImagesSettingsFolder_OwnedByItsUser_TakesConfigSet_AndValidate()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix users and modes
        }

        // As the Dockerfile makes it: /etc/authproxy (root's, 0755) holding settings/ (the user's, 0700).
        var settingsFolder = Path.Combine(_parent, "settings");
        Directory.CreateDirectory(settingsFolder);
        File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(settingsFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ChownAsync(settingsFolder);
        var settings = Path.Combine(settingsFolder, "authproxy.settings.json");

        var set = await AsTheImagesUserAsync("config", "set", "Security.JWT.Issuer", "https://idp.example", "--settings", settings);
        var interval = await AsTheImagesUserAsync("config", "set", "AuthProxy.KeyFetch.RefreshInterval", "10m", "--settings", settings);
        var validate = await AsTheImagesUserAsync("config", "validate", "--settings", settings, "--routes", Path.Combine(Routing.RoutesFileReaderTests.FindRepositoryRoot(), "routes.json"));

        Assert.True(set.Exit == 0, set.Output);
        Assert.True(interval.Exit == 0, interval.Output);
        Assert.True(validate.Exit == 0, validate.Output);
        Assert.Contains("\"Issuer\": \"https://idp.example\"", await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(settings));
        Assert.Equal([settings], Directory.GetFiles(settingsFolder));
    }

    [Fact]
    public async Task ASettingsFileMountedOnItsOwn_InAFolderTheUserMayNotWrite_IsRewrittenInPlace_ClosedToOthers()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix users and modes
        }

        // The old image: /etc/authproxy is root's and the file, mounted on its own, is the user's (and readable by all).
        var settings = Path.Combine(_parent, "authproxy.settings.json");
        await File.WriteAllTextAsync(settings, "{ \"Security\": { \"JWT\": { \"Audience\": \"authproxy\" } } }\n");
        File.SetUnixFileMode(settings, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await ChownAsync(settings);
        LockFolder();

        var (exit, output) = await AsTheImagesUserAsync("config", "set", "Security.JWT.Issuer", "https://idp.example", "--settings", settings);

        Assert.True(exit == 0, output);
        var file = await File.ReadAllTextAsync(settings);
        Assert.Contains("\"Issuer\": \"https://idp.example\"", file, StringComparison.Ordinal);
        Assert.Contains("\"Audience\": \"authproxy\"", file, StringComparison.Ordinal);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(settings));
        Assert.Equal([settings], Directory.GetFiles(_parent));
    }

    [Fact]
    public async Task NoSettingsFile_InAFolderTheUserMayNotWrite_IsOneLineSayingSo_NotAStackTrace()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix users and modes
        }

        LockFolder();
        var settings = Path.Combine(_parent, "authproxy.settings.json");

        var (exit, output) = await AsTheImagesUserAsync("config", "set", "Security.JWT.Issuer", "https://idp.example", "--settings", settings);

        Assert.Equal(1, exit);
        Assert.Contains($"[Error] {settings} cannot be written: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(settings));
    }

    /// <summary>The folder root's (0755) as in the image; for a non-root test user, read-only (0555).</summary>
    private void LockFolder()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_parent, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | (IsRoot ? UnixFileMode.UserWrite : 0));
        }
    }

    private static async Task ChownAsync(string path)
    {
        if (IsRoot)
        {
            var (exit, output) = await RunAsync("chown", $"{AppUid}:{AppUid}", path);
            Assert.True(exit == 0, output);
        }
    }

    /// <summary>Runs the server binary as uid 1654 (root) or as the current user, with a copy of the binaries that user can read.</summary>
    private async Task<(int Exit, string Output)> AsTheImagesUserAsync(params string[] args)
    {
        if (!IsRoot)
        {
            return await RunAsync("dotnet", [ServerProcess.Dll, .. args]);
        }

        var binaries = await ReadableBinariesAsync();
        return await RunAsync("setpriv", ["--reuid", $"{AppUid}", "--regid", $"{AppUid}", "--clear-groups", "--", "env", $"HOME={_parent}", "dotnet",
            Path.Combine(binaries, "AuthProxy.dll"), .. args]);
    }

    /// <summary>The test's binaries where uid 1654 can read them (the checkout may sit in root's home).</summary>
    private static async Task<string> ReadableBinariesAsync()
    {
        var (exit, _) = await RunAsync("setpriv", "--reuid", $"{AppUid}", "--regid", $"{AppUid}", "--clear-groups", "--", "test", "-r", ServerProcess.Dll);
        if (exit == 0)
        {
            return AppContext.BaseDirectory;
        }

        var copy = Path.Combine(Path.GetTempPath(), "authproxy-tests", "binaries-for-app-user");
        if (!File.Exists(Path.Combine(copy, "AuthProxy.dll")))
        {
            var (copied, output) = await RunAsync("cp", "-r", AppContext.BaseDirectory.TrimEnd('/'), copy);
            Assert.True(copied == 0, output);
            await RunAsync("chmod", "-R", "a+rX", Path.Combine(Path.GetTempPath(), "authproxy-tests"));
        }

        return copy;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("AUTHPROXY_SETTINGS");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
