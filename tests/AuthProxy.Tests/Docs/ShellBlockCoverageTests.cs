namespace AuthProxy.Tests.Docs;

/// <summary>No shell block in the README or a sample's README goes untested without saying why.</summary>
public sealed class ShellBlockCoverageTests
{
    [Fact]
    public void EveryShellBlock_IsRunByATest_OrSaysWhyNot()
    {
        var blocks = DocumentedShellBlocks.All;
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.True(b.Marker is not null, $"{b.File}:{b.Line}: a shell block without a <!-- shell-test: NAME --> or <!-- shell-test: not run (why) --> line before it"));
        Assert.All(blocks.Where(b => b.Name is null), b => Assert.Matches(@"^not run \(.{10,}\)$", b.Marker!));

        var named = blocks.Where(b => b.Name is not null).Select(b => b.Name!).ToList();
        Assert.Equal(named.Count, named.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(DocumentedShellBlocks.Tested.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheSamples_AndTheReadme_HaveBlocksThatRun()
    {
        var files = DocumentedShellBlocks.All.Where(b => b.Name is not null).Select(b => b.File).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("README.md", files);
        Assert.Contains("samples/multi-issuer/README.md", files);
        Assert.Contains("samples/tigergraph/README.md", files);
    }
}
