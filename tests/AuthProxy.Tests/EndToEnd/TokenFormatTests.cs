using System.Net;
using System.Text;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Tokens that two JSON readers could read differently, or whose registered claims have the wrong
/// type or an impossible value, are refused with 401 <c>format</c>: never accepted, never a 500.
/// Each is validly signed, so only the format rules stand in the way.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TokenFormatTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>An HS256 token over exactly the given header and payload text.</summary>
    private static string SignRaw(string headerJson, string payloadJson)
    {
        var input = TestTokens.Encode(headerJson) + "." + TestTokens.Encode(payloadJson);
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.HmacSecret), Encoding.ASCII.GetBytes(input));
        return input + "." + TestTokens.Encode(signature);
    }

    private static string Payload(string extra) =>
        $$"""{"sub":"kevin","iat":{{TestTokens.Now}},"exp":{{TestTokens.Now + 3600}}{{extra}}}""";

    public static TheoryData<string, string, string> Malformed()
    {
        var now = TestTokens.Now;
        const string Header = """{"alg":"HS256","typ":"JWT"}""";
        return new TheoryData<string, string, string>
        {
            { "exp at the end of time", Header, $$"""{"sub":"kevin","iat":{{now}},"exp":253402300799}""" },
            { "exp past the end of time", Header, $$"""{"sub":"kevin","iat":{{now}},"exp":1e300}""" },
            { "exp as a string", Header, $$"""{"sub":"kevin","iat":{{now}},"exp":"{{now + 3600}}"}""" },
            { "nbf as a string", Header, Payload($",\"nbf\":\"{now - 10}\"") },
            { "iat as a string", Header, $$"""{"sub":"kevin","iat":"{{now}}","exp":{{now + 3600}}}""" },
            { "exp negative", Header, $$"""{"sub":"kevin","iat":{{now}},"exp":-1}""" },
            { "exp as true", Header, $$"""{"sub":"kevin","iat":{{now}},"exp":true}""" },
            { "duplicate sub", Header, Payload(",\"sub\":\"tigergraph\"") },
            { "duplicate sub, escaped", Header, Payload(",\"s\\u0075b\":\"tigergraph\"") },
            { "duplicate graph", Header, Payload(",\"graph\":\"social\",\"graph\":\"finance\"") },
            { "duplicate exp", Header, Payload($",\"exp\":{now + 99999999}") },
            { "duplicate alg", """{"alg":"none","alg":"HS256","typ":"JWT"}""", Payload("") },
            { "duplicate kid", """{"alg":"HS256","kid":"a","kid":"b"}""", Payload("") },
            { "sub as an array", Header, $$"""{"sub":["kevin"],"iat":{{now}},"exp":{{now + 3600}}}""" },
            { "aud as a number", Header, Payload(",\"aud\":5") },
            { "aud array with a number", Header, Payload(",\"aud\":[\"a\",5]") },
            { "trailing garbage", Header, Payload("") + "x" },
            { "two objects", Header, Payload("") + "{}" },
            { "payload not an object", Header, "[1,2,3]" },
            { "comment in payload", Header, Payload("/*c*/") },
            { "b64 header", """{"alg":"HS256","b64":false}""", Payload("") },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed), DisableDiscoveryEnumeration = true)] // the payloads carry the time they are made
    public async Task IsRefused_As401Format(string name, string header, string payload)
    {
        using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", SignRaw(header, payload)));
        var body = await response.JsonAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name}: {(int)response.StatusCode} {body}");
        Assert.Contains(body.GetProperty("reason").GetString(), new[] { "format", "verification" });
    }

    [Fact]
    public async Task ALegitimateTokenOfTheSameShape_IsAccepted()
    {
        var token = SignRaw("""{"alg":"HS256","typ":"JWT"}""", Payload(",\"aud\":[\"a\",\"b\"],\"nbf\":1.5,\"address\":{\"sub\":\"nested names may repeat\",\"x\":{\"sub\":1}}"));
        using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// One key verifies each algorithm it accepts, in any order, each with its own hash: a
    /// signature made under one algorithm never passes under another's name, whichever was
    /// verified first (the key's signature providers are kept per algorithm).
    /// </summary>
    [Fact]
    public async Task OneKey_VerifiesEachOfItsAlgorithms_InAnyOrder_AndNoneUnderAnothersName()
    {
        (string Name, Func<byte[], byte[], byte[]> Sign)[] algorithms =
            [("HS256", System.Security.Cryptography.HMACSHA256.HashData), ("HS384", System.Security.Cryptography.HMACSHA384.HashData),
                ("HS512", System.Security.Cryptography.HMACSHA512.HashData)];
        var made = 0;
        string Token(string named, Func<byte[], byte[], byte[]> sign)
        {
            // A claim of its own: each token is new to the proxy, so each is verified.
            var input = TestTokens.Encode($$"""{"alg":"{{named}}","typ":"JWT"}""") + "." + TestTokens.Encode(Payload($",\"n\":{made++}"));
            return input + "." + TestTokens.Encode(sign(Encoding.UTF8.GetBytes(TestTokens.HmacSecret), Encoding.ASCII.GetBytes(input)));
        }

        foreach (var order in new[] { algorithms, algorithms.Reverse().ToArray(), algorithms })
        {
            foreach (var (name, sign) in order)
            {
                using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", Token(name, sign)));
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
            }
        }

        foreach (var (named, _) in algorithms)
        {
            foreach (var (signedAs, sign) in algorithms.Where(a => a.Name != named))
            {
                using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", Token(named, sign)));
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"named {named}, signed {signedAs}: {(int)response.StatusCode}");
                Assert.Contains("failed signature verification", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A validly signed token for kevin of exactly <paramref name="length"/> characters (padded by a claim).</summary>
    private static string SignedOfLength(int length)
    {
        foreach (var (alg, sign) in new (string, Func<byte[], byte[], byte[]>)[]
                 { ("HS256", System.Security.Cryptography.HMACSHA256.HashData), ("HS384", System.Security.Cryptography.HMACSHA384.HashData), ("HS512", System.Security.Cryptography.HMACSHA512.HashData) })
        {
            for (var pad = Math.Max(0, (length * 3 / 4) - 200); pad < length; pad++)
            {
                var input = TestTokens.Encode($$"""{"alg":"{{alg}}","typ":"JWT"}""") + "." + TestTokens.Encode(Payload($",\"pad\":\"{new string('p', pad)}\""));
                var token = input + "." + TestTokens.Encode(sign(Encoding.UTF8.GetBytes(TestTokens.HmacSecret), Encoding.ASCII.GetBytes(input)));
                if (token.Length == length)
                {
                    return token;
                }

                if (token.Length > length)
                {
                    break;
                }
            }
        }

        throw new InvalidOperationException($"no token of {length} characters");
    }

    [Fact]
    public async Task ATokenOfMoreThan16KiBCharacters_IsRefusedUnread_OneOfExactly16KiBIsAccepted()
    {
        var atTheLimit = SignedOfLength(16 * 1024);
        var over = SignedOfLength((16 * 1024) + 1);

        using var accepted = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", atTheLimit));
        using var refused = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", over));

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var body = await refused.JsonAsync();
        Assert.Equal("format", body.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(over)}' is longer than 16384 characters", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ATokenOf16Characters_IsReadAsAToken_OneOf15IsMissing()
    {
        using var sixteen = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", "abcdefghij.klmno"));
        using var fifteen = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", "abcdefghij.klmn"));

        Assert.Equal(HttpStatusCode.Unauthorized, sixteen.StatusCode);
        Assert.Equal("format", (await sixteen.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, fifteen.StatusCode);
        var body = await fifteen.JsonAsync();
        Assert.Equal("missing", body.GetProperty("reason").GetString());
        Assert.Equal("Access Denied because the input token = '' is empty or too short", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ATokenWithoutExp_IsRefused_EvenWhenItCallsItselfAPersonalToken()
    {
        // Only AuthProxy's own personal tokens may lack exp; a provider's token saying type PERSONAL is not one.
        var token = SignRaw("""{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"kevin","type":"PERSONAL","iat":{{TestTokens.Now}}}""");
        using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("format", body.GetProperty("reason").GetString());
        Assert.EndsWith("has no expiration time (exp)", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonCanonicalBase64url_IsRefused()
    {
        var token = TestTokens.Hs256(TestTokens.Claims("kevin"));
        using var original = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        using var spare = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TokenSpellings.SpareBits(token)));

        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, spare.StatusCode);
        Assert.Equal("format", (await spare.JsonAsync()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TheUnencodedPayloadOption_IsRefused_SayingSo()
    {
        // RFC 7797's b64: false would have the signature cover the payload's raw text, not the text sent.
        var token = SignRaw("""{"alg":"HS256","typ":"JWT","b64":false}""", Payload(""));
        using var response = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("verification", body.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' carries the unencoded-payload option (b64), which AuthProxy does not accept",
            body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AnEmptySubjectOrIssuer_IsReadAsNone()
    {
        var emptySubject = SignRaw("""{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"","iat":{{TestTokens.Now}},"exp":{{TestTokens.Now + 3600}}}""");
        var emptyIssuer = TestTokens.Claims("kevin", "social");
        emptyIssuer["iss"] = "";
        var forged = TestTokens.Hs256(emptyIssuer, secret: "another-secret-that-is-long-enough-0123456789");

        using var noSubject = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", emptySubject));
        using var noIssuer = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forged));
        using var accepted = await _proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(emptyIssuer)));

        var noSubjectBody = await noSubject.JsonAsync();
        Assert.Equal("unknown-user", noSubjectBody.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(emptySubject)}' has no subject (sub) naming a user", noSubjectBody.GetProperty("message").GetString());
        // No issuer named: the signature is the cause, not an issuer nobody declares.
        var noIssuerBody = await noIssuer.JsonAsync();
        Assert.Equal("verification", noIssuerBody.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(forged)}' failed signature verification", noIssuerBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
