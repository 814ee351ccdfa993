using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Storage;

/// <summary>
/// The store's files hold signing keys and the hashes of tokens and secrets: on Unix, the folders
/// AuthProxy creates are 0700 and the files 0600, SQLite's -wal and -shm included.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StoreFileModeTests(BackendProcess backend)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode SharedFolder = PrivateFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Fact]
    public async Task AfterAStart_TheDataFolderIs0700_AndTheDatabaseWalAndShmAre0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        // A write, so the write-ahead log holds something.
        using var login = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = "kevin", password = TestUsers.KevinPassword }));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        var data = Path.Combine(proxy.Directory, "data");
        var database = Path.Combine(data, "authproxy.db");
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(data));
        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(Private, File.GetUnixFileMode(file));
        }

        var keys = Path.Combine(data, "dataprotection-keys");
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(keys));
        var keyFiles = Directory.GetFiles(keys);
        Assert.NotEmpty(keyFiles);
        foreach (var file in keyFiles)
        {
            Assert.Equal(Private, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task AnExistingDatabaseOpenToOthers_IsTightenedAtStart_AndSaidSo_TheOperatorsFolderIsLeftAlone()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes
        }
        var directory = ProxyHost.CreateDirectory();
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data, SharedFolder);
        var database = Path.Combine(data, "authproxy.db");
        await using (var created = new FileStream(database, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Shared }))
        {
        }

        File.SetUnixFileMode(database, Shared);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory);

        Assert.Equal(Private, File.GetUnixFileMode(database));
        Assert.Equal(Private, File.GetUnixFileMode(database + "-wal"));
        Assert.Equal(SharedFolder, File.GetUnixFileMode(data));
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1801 && r.Message.Contains(database, StringComparison.Ordinal)
            && r.Message.Contains("0644", StringComparison.Ordinal) && r.Message.Contains("0600", StringComparison.Ordinal));
    }
}
