using AuthProxy.Authentication;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.Authentication;

/// <summary>
/// The strict reading of a compact JWS, part by part, with the reason each refusal gives (the
/// end-to-end tests see only that such a token is refused): canonical base64url, a header that is
/// one JSON object of unique members, string header parameters, nothing after the object.
/// </summary>
public sealed class CompactJwsReaderTests
{
    private const string NotCanonical = "is not a valid JWT: a part is not canonical base64url";
    private const string NotDecodable = "is not a valid JWT: its header or payload is not base64url-encoded JSON";
    private const string HeaderNotJson = "is not a valid JWT: its header is not base64url-encoded JSON";

    private static readonly string Payload = TestTokens.Encode("""{"sub":"kevin","exp":4102444800}""");
    private static readonly string Signature = TestTokens.Encode(new byte[32]);

    private static string Token(string headerJson) => TestTokens.Encode(headerJson) + "." + Payload + "." + Signature;

    private static (bool Read, JwsHeader Header, string? Problem) Read(string token)
    {
        var read = CompactJwsReader.TryRead(token, out var header, out _, out var problem);
        return (read, header, problem);
    }

    /// <summary>Every character of the alphabet at the end of a part whose length leaves no spare bits; a length that cannot occur; spare bits set; a character outside the alphabet.</summary>
    [Theory]
    [InlineData("AAAA", true)]
    [InlineData("AAAZ", true)]
    [InlineData("AAAa", true)]
    [InlineData("AAAz", true)]
    [InlineData("AAA0", true)]
    [InlineData("AAA9", true)]
    [InlineData("AAA-", true)]
    [InlineData("AAA_", true)]
    [InlineData("AAA*", false)]
    [InlineData("AAA=", false)]
    [InlineData("", false)]
    [InlineData("AAAAA", false)]
    [InlineData("AQ", true)] // Q = 010000: the four spare bits clear
    [InlineData("AB", false)]
    [InlineData("A0", false)] // 0 = 110100
    [InlineData("AAE", true)] // E = 000100: the two spare bits clear
    [InlineData("AAB", false)]
    [InlineData("AA4", true)] // 4 = 111000
    [InlineData("AA5", false)]
    public void IsCanonical_OneValueHasOneSpelling(string part, bool canonical) =>
        Assert.Equal(canonical, CompactJwsReader.IsCanonical(part));

    [Fact]
    public void AToken_IsRead_WithItsAlgorithmKeyIdAndType_PastMembersItSkips()
    {
        var (read, header, problem) = Read(Token("""{"x":{"a":[1,{"b":"\u00e9"}],"c":null},"alg":"HS256","kid":"k1","typ":"JWT"}"""));

        Assert.True(read, problem);
        Assert.Equal(new JwsHeader("HS256", "k1", "JWT", null), header);
    }

    [Fact]
    public void AnEmptyKeyId_IsReadAsNone()
    {
        var (read, header, _) = Read(Token("""{"alg":"HS256","kid":""}"""));

        Assert.True(read);
        Assert.Null(header.KeyId);
    }

    public static TheoryData<string, string, string> Refused()
    {
        var header = TestTokens.Encode("""{"alg":"HS256" }"""); // 16 bytes: 22 characters, the last with four spare bits
        var stray = header[..^1] + (char)(header[^1] + 1); // the same value, a spare bit set
        var middle = header[..4] + "+" + header[5..]; // a character outside the alphabet, not at the end
        return new TheoryData<string, string, string>
        {
            { "header with spare bits", stray + "." + Payload + "." + Signature, NotCanonical },
            { "payload with spare bits", header + "." + Payload[..^1] + "x." + Signature, NotCanonical },
            { "signature with spare bits", header + "." + Payload + "." + Signature[..^1] + "x", NotCanonical },
            { "empty header", "." + Payload + "." + Signature, NotCanonical },
            { "header of a length that cannot occur", header + "AAA." + Payload + "." + Signature, NotCanonical },
            { "a character outside the alphabet", middle + "." + Payload + "." + Signature, NotDecodable },
            { "header an array", Token("[1]"), HeaderNotJson + " (an object)" },
            { "algorithm named twice", Token("""{"alg":"none","alg":"HS256"}"""), "has the member 'alg' twice in its header" },
            { "algorithm a number", Token("""{"alg":5}"""), "has a header parameter 'alg' that is not a string" },
            { "key id an object", Token("""{"alg":"HS256","kid":{}}"""), "has a header parameter 'kid' that is not a string" },
            { "text after the header", Token("""{"alg":"HS256"}x"""), HeaderNotJson },
            { "a second object after the header", Token("""{"alg":"HS256"}{}"""), HeaderNotJson },
            { "a trailing comma", Token("""{"alg":"HS256",}"""), HeaderNotJson },
            { "a comment", Token("""{"alg":"HS256"/*c*/}"""), HeaderNotJson },
            { "a lone surrogate in a member skipped", Token("""{"x":["\ud800"],"alg":"HS256"}"""), HeaderNotJson },
        };
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void MalformedParts_AreRefused_SayingWhy(string why, string token, string expected)
    {
        var (read, _, problem) = Read(token);

        Assert.False(read, why);
        Assert.Equal(expected, problem);
    }
}
