using AuthProxy.Tls;

namespace AuthProxy.Tests.Tls;

/// <summary>Certificate files read again when they change: a good version replaces the old whole, a bad one leaves it and is reported once.</summary>
public sealed class ReloadingFilesTests : IDisposable
{
    private readonly string _directory = Common.ProxyHost.CreateDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ChangedFile_IsReloaded_UnchangedIsNot()
    {
        var path = Write("a.txt", "one");
        var files = Files(path);

        Assert.Equal("one", files.Current);
        Assert.Equal(ReloadResultKind.Unchanged, files.Check().Kind);

        await Common.ProxyHost.ReplaceFileAsync(path, "two-two");

        Assert.Equal(ReloadResultKind.Reloaded, files.Check().Kind);
        Assert.Equal("two-two", files.Current);
        Assert.Equal(ReloadResultKind.Unchanged, files.Check().Kind);
    }

    [Fact]
    public async Task BrokenVersion_KeepsTheLastGood_IsReportedOnTheSecondCheckOnly()
    {
        var path = Write("a.txt", "one");
        var files = Files(path);

        await Common.ProxyHost.ReplaceFileAsync(path, "bad");

        // The first failing check may be a pair caught between its two writes: not reported yet.
        Assert.Equal(ReloadResultKind.Unchanged, files.Check().Kind);
        var second = files.Check();
        Assert.Equal(ReloadResultKind.Refused, second.Kind);
        Assert.Equal("bad content", Assert.Single(second.Problems));
        Assert.Equal(ReloadResultKind.Unchanged, files.Check().Kind);
        Assert.Equal("one", files.Current);

        await Common.ProxyHost.ReplaceFileAsync(path, "three");
        Assert.Equal(ReloadResultKind.Reloaded, files.Check().Kind);
        Assert.Equal("three", files.Current);
    }

    [Fact]
    public void FilesThatNeverLoaded_HaveNoCurrentVersion_AndTheirProblemsAreGiven()
    {
        var path = Write("a.txt", "bad");
        var problems = new List<string>();

        var files = new ReloadingFiles<string>("test file", [path], loading => Read(path, loading), problems);

        Assert.Null(files.Current);
        Assert.Equal("bad content", Assert.Single(problems));
        Assert.Equal(ReloadResultKind.Unchanged, files.Check().Kind);
    }

    [Fact]
    public void KubernetesSecretVolume_SwappingItsDataLink_ChangesTheStamp()
    {
        // A secret volume: tls.crt -> ..data/tls.crt, ..data -> ..2026_01_01 (swapped whole on update).
        var first = Directory.CreateDirectory(Path.Combine(_directory, "..2026_01_01")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_directory, "..2026_02_01")).FullName;
        File.WriteAllText(Path.Combine(first, "tls.crt"), "one");
        File.WriteAllText(Path.Combine(second, "tls.crt"), "two");
        File.SetLastWriteTimeUtc(Path.Combine(second, "tls.crt"), File.GetLastWriteTimeUtc(Path.Combine(first, "tls.crt")).AddMinutes(1));
        var data = Path.Combine(_directory, "..data");
        Directory.CreateSymbolicLink(data, first);
        var link = Path.Combine(_directory, "tls.crt");
        File.CreateSymbolicLink(link, Path.Combine("..data", "tls.crt"));
        var before = FileStamp.Of([link]);

        // Kubernetes renames a new link over ..data; removing and linking again lands in the same state.
        Directory.Delete(data);
        Directory.CreateSymbolicLink(data, second);

        Assert.Equal("two", File.ReadAllText(link));
        Assert.NotEqual(before, FileStamp.Of([link]));
    }

    private static ReloadingFiles<string> Files(string path) => new("test file", [path], loading => Read(path, loading), []);

    /// <summary>The file's text, unless it is "bad".</summary>
    private static string? Read(string path, List<string> problems)
    {
        var text = File.ReadAllText(path);
        if (text == "bad")
        {
            problems.Add("bad content");
            return null;
        }

        return text;
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
