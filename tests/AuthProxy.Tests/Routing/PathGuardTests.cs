using System.Text;
using AuthProxy.Routing;

namespace AuthProxy.Tests.Routing;

public sealed class PathGuardTests
{
    private static readonly System.Buffers.SearchValues<char> PathSyntax = System.Buffers.SearchValues.Create("./\\;%?#");

    private static readonly System.Buffers.SearchValues<char> NotPlain = System.Buffers.SearchValues.Create("%;?#\\ \n\u00a0\u200b\u007f\u00e9\u3002\uff0e\ud83d");

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
    [InlineData("/a/.\u0301./b")] // a combining accent is not default-ignorable: the segment is not dots
    [InlineData("/a/\u3164x/b")] // a Hangul filler beside a letter
    [InlineData("/a/caf\u00e9\ufe0f")]
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
    [InlineData("/a/..\u00a5..\u00a5b", "look-alike")] // yen sign: '\\' in code page 932
    [InlineData("/a/..\u20a9b", "look-alike")] // won sign: '\\' in code page 949
    [InlineData("/a/..\u2215b", "look-alike")] // division slash: '/'
    [InlineData("/a/..\u2044b", "look-alike")] // fraction slash: '/'
    [InlineData("/a/..\u2216b", "look-alike")] // set minus: '\\'
    [InlineData("/a/..\u00b4b", "look-alike")] // acute accent: '/' in code page 1253
    [InlineData("/a/x\u066a2e", "look-alike")] // Arabic percent sign: '%'
    [InlineData("/a/.\u034f./b", "dot-segment")] // combining grapheme joiner
    [InlineData("/a/..\u115f/b", "dot-segment")] // Hangul choseong filler
    [InlineData("/a/..\u3164/b", "dot-segment")] // Hangul filler
    [InlineData("/a/\uffa0../b", "dot-segment")] // halfwidth Hangul filler
    [InlineData("/a/..\ufe0f/b", "dot-segment")] // variation selector-16
    [InlineData("/a/..\u17b4/b", "dot-segment")] // Khmer vowel inherent
    [InlineData("/a/..\u180b/b", "dot-segment")] // Mongolian free variation selector
    [InlineData("/a/..\U000E0001/b", "dot-segment")] // language tag
    [InlineData("/a/..\U000E0100/b", "dot-segment")] // variation selector-17
    [InlineData("/a/\u3164/b", "empty-segment")]
    [InlineData("/a/\u034f\ufe00/b", "empty-segment")]
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
    public void BestFit_MessageNamesTheCharacterTheCodePageAndWhatItBecomes()
    {
        var problem = Strict.Check("/a/..\u00a5b", "/a/..\u00a5b");

        Assert.Equal("The request path is refused by rule look-alike: it contains U+00A5, which Windows best-fit conversion to code page 932 (Japanese) turns into '\\'",
            problem!.Value.Message);
    }

    [Fact]
    public void BestFitLookAlikes_CoverTheTables_AndOnlyWhatNfkcDoesNot()
    {
        var found = new List<int>();
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (LookAlikes.BestFitOf(codePoint) is { } bestFit)
            {
                Assert.Null(LookAlikes.PathSyntaxOf(codePoint));
                Assert.True(bestFit.Form is "/" or "\\" or "." or ";" or "%", $"U+{codePoint:X4} -> {bestFit.Form}");
                found.Add(codePoint);
            }
        }

        // Every code point that a Windows best-fit table (874, 932, 936, 949, 950, 1250-1258, 1361) maps to / \ . ; or %, less those NFKC maps.
        Assert.Equal([0x00A5, 0x00B4, 0x066A, 0x2044, 0x20A9, 0x2215, 0x2216], found);
    }

    [Fact]
    public void DefaultIgnorables_AreTheWholeProperty()
    {
        var count = 0;
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (DefaultIgnorables.Contains(codePoint))
            {
                count++;
            }
        }

        // DerivedCoreProperties.txt (Unicode 14 to 16): 17 ranges, 4174 code points.
        Assert.Equal(4174, count);
        Assert.True(DefaultIgnorables.Contains(0x034F));
        Assert.True(DefaultIgnorables.Contains(0x3164));
        Assert.True(DefaultIgnorables.Contains(0xE0FFF));
        Assert.False(DefaultIgnorables.Contains(0xE1000));
        Assert.False(DefaultIgnorables.Contains(0x0300)); // combining grave accent: visible on its base
        Assert.False(DefaultIgnorables.Contains(0x00A0)); // no-break space: whitespace, not ignorable
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

    /// <summary>
    /// The vector steps that pass a common path at once decide as every rule in turn would: over
    /// random paths of plain characters mixed with every character some rule is about, with every
    /// setting, and with the raw target both as the path and carrying an escape.
    /// </summary>
    [Fact]
    public void TheQuickCheck_DecidesAsEveryRule()
    {
        const string alphabet = "abzAZ09-._~!$&'()*+,=:@//....%%2F5C;?#\\ \u00a0\u200b\n\u007f\u00e9\u3002\uff0e\ud83d\ude00";
        var random = new Random(20261128);
        var guards = new List<PathGuard>();
        foreach (var slashes in new[] { false, true })
        {
            foreach (var parameters in new[] { false, true })
            {
                foreach (var delimiters in new[] { false, true })
                {
                    guards.Add(new PathGuard(slashes, parameters, delimiters));
                }
            }
        }

        var quick = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var path = new StringBuilder("/");
            var length = random.Next(0, 12);
            for (var i = 0; i < length; i++)
            {
                // Mostly plain characters, so that many paths take the quick way.
                path.Append(random.Next(4) == 0 ? alphabet[random.Next(alphabet.Length)] : (char)('a' + random.Next(26)));
            }

            var decoded = path.ToString();
            foreach (var raw in new[] { decoded, decoded + "?q=%2541", "/a%2541" + decoded })
            {
                foreach (var guard in guards)
                {
                    Assert.Equal(guard.CheckEveryRule(raw, decoded)?.RuleName, guard.Check(raw, decoded)?.RuleName);
                }
            }

            if (!decoded.AsSpan().ContainsAny(NotPlain))
            {
                quick++;
            }
        }

        Assert.True(quick > 5_000, $"only {quick} of the paths were plain enough for the quick way");
    }
}
