using System.Text;
using AuthProxy.Routing;

namespace AuthProxy.Tests.Routing;

public sealed class PathGuardTests
{
    private static readonly System.Buffers.SearchValues<char> PathSyntax = System.Buffers.SearchValues.Create("./\\;%?#");

    private static readonly PathGuard Strict = new(allowEncodedSlashes: false, allowPathParameters: false);

    private static string? RuleOf(PathGuard guard, string path) => guard.Check(path, path)?.RuleName;

    [Theory]
    [InlineData("/restpp/query/social/q")]
    [InlineData("/restpp/graph/social/vertices/person/100%")]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("/a/b/")]
    [InlineData("/a.b/c..d/.e")]
    [InlineData("/a/..b/c../.d.")]
    [InlineData("/restpp/graph/social/vertices/person/Jr.")]
    [InlineData("/restpp/graph/social/vertices/person/Jr. ")]
    [InlineData("/a/ b")]
    [InlineData("/a/K\u00e9vin/\u00c5sa/\u3002")]
    [InlineData("/a/100%u00")]
    [InlineData("/a/%zz")]
    [InlineData("/a/%2")]
    public void Accepts_UnambiguousPaths(string path) => Assert.Null(RuleOf(Strict, path));

    [Theory]
    [InlineData("/a//b", "empty-segment")]
    [InlineData("//a", "empty-segment")]
    [InlineData("/a/ /b", "empty-segment")]
    [InlineData("/a/\u00a0", "empty-segment")]
    [InlineData("/a\\b", "backslash")]
    [InlineData("/a/%2F/b", "encoded-slash")]
    [InlineData("/a/%2f/b", "encoded-slash")]
    [InlineData("/a/%5C/b", "encoded-slash")]
    [InlineData("/a/%2e%2e/b", "double-encoding")]
    [InlineData("/a/%41", "double-encoding")]
    [InlineData("/a/../b", "dot-segment")]
    [InlineData("/a/./b", "dot-segment")]
    [InlineData("/a/.../b", "dot-segment")]
    [InlineData("/a/.. /b", "dot-segment")]
    [InlineData("/a/. ./b", "dot-segment")]
    [InlineData("/a/ ..", "dot-segment")]
    [InlineData("/a/..\u00a0/b", "dot-segment")]
    [InlineData("/a/.\u200b./b", "dot-segment")]
    [InlineData("/a/..\u3000/b", "dot-segment")]
    [InlineData("/a/b\n", "control-character")]
    [InlineData("/a/b\u007f", "control-character")]
    [InlineData("/a/\u0085/b", "control-character")]
    [InlineData("/a/..;/b", "path-parameter")]
    [InlineData("/a/;/b", "path-parameter")]
    [InlineData("/a/b;jsessionid=1", "path-parameter")]
    [InlineData("/a/%u002e%u002e/b", "percent-u")]
    [InlineData("/a/%U002F", "percent-u")]
    [InlineData("/a/x%uff0e", "percent-u")]
    [InlineData("/a/%c0%ae/b", "invalid-utf8")]
    [InlineData("/a/.%C0%AE/b", "invalid-utf8")]
    [InlineData("/a/%e0%80%ae/b", "invalid-utf8")]
    [InlineData("/a/%c0./b", "invalid-utf8")]
    [InlineData("/a/x%ff", "invalid-utf8")]
    [InlineData("/a/\uff0e\uff0e/b", "look-alike")]
    [InlineData("/a/\u2024\u2024/b", "look-alike")]
    [InlineData("/a/\u2025/b", "look-alike")]
    [InlineData("/a/\u2026/b", "look-alike")]
    [InlineData("/a/.\ufe52/b", "look-alike")]
    [InlineData("/a/x\uff0fy", "look-alike")]
    [InlineData("/a/x\uff3cy", "look-alike")]
    [InlineData("/a/x\ufe68y", "look-alike")]
    [InlineData("/a/x\uff1by", "look-alike")]
    [InlineData("/a/x\u037ey", "look-alike")]
    [InlineData("/a/x\uff05y", "look-alike")]
    [InlineData("/a/x\uff1fy", "look-alike")]
    [InlineData("/a/x\uff03y", "look-alike")]
    [InlineData("/a/\u2100", "look-alike")]
    [InlineData("/a/\U0001F100", "look-alike")]
    public void Refuses_AmbiguousPaths_NamingTheRule(string path, string rule)
    {
        var problem = Strict.Check(path, path);

        Assert.NotNull(problem);
        Assert.Equal(rule, problem.Value.RuleName);
        Assert.StartsWith($"The request path is refused by rule {rule}: ", problem.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LookAlike_MessageNamesTheCharacterAndWhatItBecomes()
    {
        var problem = Strict.Check("/a/\uff0e\uff0e", "/a/\uff0e\uff0e");

        Assert.Equal("The request path is refused by rule look-alike: it contains U+FF0E, which Unicode compatibility normalisation (NFKC) turns into '.'",
            problem!.Value.Message);
    }

    [Theory]
    [InlineData("/a/b;jsessionid=1/c", null)]
    [InlineData("/a/b;x", null)]
    [InlineData("/a/Jr.;v=1", null)]
    [InlineData("/a/..;/b", "dot-segment")]
    [InlineData("/a/.;x/b", "dot-segment")]
    [InlineData("/a/. ;x/b", "dot-segment")]
    [InlineData("/a/..;x;y", "dot-segment")]
    [InlineData("/a/;x/b", "empty-segment")]
    [InlineData("/a/;", "empty-segment")]
    [InlineData("/a/\uff1b", "look-alike")]
    public void PathParameters_CanBeAllowed_ButNotBehindADotOrEmptySegment(string path, string? rule) =>
        Assert.Equal(rule, RuleOf(new PathGuard(allowEncodedSlashes: false, allowPathParameters: true), path));

    [Theory]
    [InlineData("/a/x%2Fy", null)]
    [InlineData("/a/x%5cy", null)]
    [InlineData("/a/..%2Fb", "dot-segment")]
    [InlineData("/a/x%2F.%2Fy", "dot-segment")]
    [InlineData("/a/x%5C..", "dot-segment")]
    [InlineData("/a/x%2F%2Fy", "empty-segment")]
    public void EncodedSlashes_CanBeAllowed_ButStillSeparateDotSegments(string path, string? rule) =>
        Assert.Equal(rule, RuleOf(new PathGuard(allowEncodedSlashes: true, allowPathParameters: false), path));

    [Theory]
    [InlineData("/a/%252F", true)]
    [InlineData("/a/%252e%252e/b", true)]
    [InlineData("/a/%25c0%25ae/b", true)]
    [InlineData("/a/%2F?x=%2525", false)]
    [InlineData("/a/100%25", false)]
    [InlineData("/a/100%25/b", false)]
    public void RawTarget_DoubleEncoding_IsDetected(string raw, bool refused) =>
        Assert.Equal(refused ? "double-encoding" : null, PathGuard.CheckRaw(raw)?.RuleName);

    [Fact]
    public void NormalizeDoesNothing_UnderInvariantGlobalization_SoTheLookAlikesAreATable()
    {
        // If this starts failing, the project no longer runs with InvariantGlobalization and
        // string.Normalize could check LookAlikes against the platform's Unicode data.
        Assert.Equal("\uff0e", "\uff0e".Normalize(NormalizationForm.FormKC));
    }

    [Fact]
    public void LookAlikes_CoverTheWholeUnicodeRange()
    {
        var found = new List<int>();
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (LookAlikes.PathSyntaxOf(codePoint) is { } form)
            {
                Assert.True(codePoint >= 0x80, "ASCII is path syntax itself, not a look-alike");
                Assert.True(form.AsSpan().ContainsAny(PathSyntax), $"U+{codePoint:X4} -> {form}");
                found.Add(codePoint);
            }
        }

        // Every code point whose NFKC form holds . / \ ; % ? or # (ICU 72 and Python's unicodedata agree).
        Assert.Equal(52, found.Count);
        Assert.Equal(".", LookAlikes.PathSyntaxOf(0xFF0E));
        Assert.Equal(".", LookAlikes.PathSyntaxOf(0x2024));
        Assert.Equal("..", LookAlikes.PathSyntaxOf(0x2025));
        Assert.Equal("/", LookAlikes.PathSyntaxOf(0xFF0F));
        Assert.Equal("\\", LookAlikes.PathSyntaxOf(0xFF3C));
        Assert.Equal(";", LookAlikes.PathSyntaxOf(0xFF1B));
        Assert.Equal("20.", LookAlikes.PathSyntaxOf(0x249B));
    }
}
