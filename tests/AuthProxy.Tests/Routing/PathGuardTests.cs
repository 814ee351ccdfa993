using AuthProxy.Routing;

namespace AuthProxy.Tests.Routing;

public sealed class PathGuardTests
{
    [Theory]
    [InlineData("/restpp/query/social/q")]
    [InlineData("/restpp/graph/social/vertices/person/100%")]
    [InlineData("/")]
    [InlineData("/a.b/c..d/.e")]
    public void Accepts_UnambiguousPaths(string path) => Assert.Null(PathGuardMiddleware.Check(path, allowEncodedSlashes: false));

    [Theory]
    [InlineData("/a//b", "empty segment")]
    [InlineData("//a", "empty segment")]
    [InlineData("/a\\b", "backslash")]
    [InlineData("/a/%2F/b", "encoded slash")]
    [InlineData("/a/%2f/b", "encoded slash")]
    [InlineData("/a/%5C/b", "encoded slash")]
    [InlineData("/a/%2e%2e/b", "twice")]
    [InlineData("/a/%41", "twice")]
    [InlineData("/a/../b", "dot segment")]
    [InlineData("/a/./b", "dot segment")]
    [InlineData("/a/b\n", "control character")]
    public void Refuses_AmbiguousPaths(string path, string why)
    {
        var problem = PathGuardMiddleware.Check(path, allowEncodedSlashes: false);
        Assert.NotNull(problem);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodedSlashes_CanBeAllowed() => Assert.Null(PathGuardMiddleware.Check("/a/x%2Fy", allowEncodedSlashes: true));

    [Theory]
    [InlineData("/a/%252F", true)]
    [InlineData("/a/%252e%252e/b", true)]
    [InlineData("/a/%2F?x=%2525", false)]
    [InlineData("/a/100%25", false)]
    public void RawTarget_DoubleEncoding_IsDetected(string raw, bool refused) =>
        Assert.Equal(refused, PathGuardMiddleware.CheckRaw(raw) is not null);
}
