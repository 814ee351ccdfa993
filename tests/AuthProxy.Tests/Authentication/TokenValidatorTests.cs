using System.Text.Json.Nodes;
using AuthProxy.Authentication;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.Authentication;

/// <summary>Each way a token fails, with the clock under the test's control.</summary>
public sealed class TokenValidatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private static long Now => Start.ToUnixTimeSeconds();

    private static Dictionary<string, string?> Options(string? issuer = null, string? audience = null) => new()
    {
        ["Security:JWT:HMAC:Secret"] = TestTokens.HmacSecret,
        ["Security:JWT:RSA:PublicKey"] = TestTokens.RsaPublicPem,
        ["Security:JWT:Issuer"] = issuer,
        ["Security:JWT:Audience"] = audience,
    };

    private async Task<(string? Reason, string Message, CallerIdentity? Caller)> ValidateAsync(string token, Dictionary<string, string?>? options = null)
    {
        await using var validators = await Validators.CreateAsync(options ?? Options(), _time);
        var result = await validators.ValidateAsync(token);
        return result.Succeeded ? (null, string.Empty, result.Caller) : (result.Refusal.Reason, result.Refusal.Message, null);
    }

    private static JsonObject Claims(string sub = "kevin", string? graph = "social") => TestTokens.Claims(sub, graph, Now);

    private static JsonObject Header(string alg, params (string Name, JsonNode Value)[] extra)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT" };
        foreach (var (name, value) in extra)
        {
            header[name] = value;
        }

        return header;
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    public async Task Accepts_EachSupportedAlgorithm(string alg)
    {
        var (reason, message, caller) = await ValidateAsync(TestTokens.Sign(Header(alg), Claims(), rsa: TestTokens.Rsa));

        Assert.Null(reason);
        Assert.Equal("kevin", caller!.Name);
        Assert.Equal("social", caller.TokenGraph);
        Assert.Equal(string.Empty, message);
    }

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("application/at+jwt")]
    [InlineData("jwt")]
    public async Task Accepts_AccessTokenTypes(string typ)
    {
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = typ };
        Assert.Null((await ValidateAsync(TestTokens.Sign(header, Claims()))).Reason);
    }

    [Fact]
    public async Task Missing_EmptyOrTooShort()
    {
        Assert.Equal(("missing", "Access Denied because the input token = '' is empty or too short"),
            Take(await ValidateAsync("")));
        Assert.Equal("missing", (await ValidateAsync("abc.def.ghi")).Reason);
    }

    public static TheoryData<string, string, string> FormatCases() => new()
    {
        { "not three parts", "aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb", "three base64url parts" },
        { "JWE", "aaaaaaaaaa.bbbbbbbbbb.cccccccccc.dddddddddd.eeeeeeeeee", "encrypted token (JWE)" },
        { "spaces", "aaaaaaaaaa.bbbbbb bbbb.cccccccccc", "characters other than base64url" },
        { "not JSON", TestTokens.Encode("{\"alg\":") + "." + TestTokens.Encode("{}") + ".c2ln", "not base64url-encoded JSON" },
        { "no alg", TestTokens.Sign(new JsonObject { ["typ"] = "JWT" }, TestTokens.Claims("kevin", "social", Now)), "no algorithm (alg)" },
        { "no exp", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["iat"] = Now }), "no expiration time (exp)" },
        { "exp not a number", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["exp"] = "tomorrow" }), "time claim (exp) that is not a NumericDate" },
        { "graph not a string", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = 7, ["exp"] = Now + 60 }), "not a string" },
        { "empty graph", TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["graph"] = "", ["exp"] = Now + 60 }), "empty graph claim" },
        { "wrong typ", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWE" }, TestTokens.Claims("kevin", "social", Now)), "expected JWT or at+jwt" },
    };

    [Theory]
    [MemberData(nameof(FormatCases))]
    public async Task Format(string name, string token, string expected)
    {
        var (reason, message, _) = await ValidateAsync(token);
        Assert.True(reason == "format" && message.Contains(expected, StringComparison.Ordinal), $"{name}: {reason} {message}");
    }

    public static TheoryData<string, string, string> VerificationCases()
    {
        var claims = TestTokens.Claims("kevin", "social", Now);
        return new()
        {
            { "alg none", TestTokens.Sign(new JsonObject { ["alg"] = "none" }, claims), "alg none" },
            { "alg NONE", TestTokens.Sign(new JsonObject { ["alg"] = "NONE" }, claims), "alg none" },
            { "unknown alg", TestTokens.Sign(new JsonObject { ["alg"] = "HS1" }, claims), "not accepted" },
            { "wrong secret", TestTokens.Hs256(claims, secret: "a-completely-different-secret-of-enough-length"), "failed signature verification" },
            { "wrong RSA key", TestTokens.Rs256(claims, key: TestTokens.OtherRsa), "failed signature verification" },
            { "tampered payload", Tamper(TestTokens.Hs256(claims)), "failed signature verification" },
            { "jwk header", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["jwk"] = new JsonObject { ["kty"] = "oct", ["k"] = "AAAA" } }, claims), "'jwk' header" },
            { "jku header", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["jku"] = "https://evil.example/keys" }, claims), "'jku' header" },
            { "x5u header", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["x5u"] = "https://evil.example/cert" }, claims), "'x5u' header" },
            { "x5c header", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["x5c"] = new JsonArray("MIIB") }, claims), "'x5c' header" },
            { "crit header", TestTokens.Sign(new JsonObject { ["alg"] = "HS256", ["crit"] = new JsonArray("b64"), ["b64"] = false }, claims), "critical (crit)" },
            // An RSA public key used as an HMAC secret: the classic algorithm confusion.
            { "RSA key as HMAC secret", TestTokens.Sign(new JsonObject { ["alg"] = "HS256" }, claims, secret: TestTokens.RsaPublicPem), "failed signature verification" },
        };
    }

    [Theory]
    [MemberData(nameof(VerificationCases), DisableDiscoveryEnumeration = true)] // the RSA keys are made per process: one test case, not one a row
    public async Task Verification(string name, string token, string expected)
    {
        var (reason, message, _) = await ValidateAsync(token);
        Assert.True(reason == "verification", $"{name}: {reason} {message}");
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_AlgorithmFamilyWithoutKey()
    {
        // Only an RSA key is configured: an HS256 token has no key at all.
        var options = new Dictionary<string, string?> { ["Security:JWT:RSA:PublicKey"] = TestTokens.RsaPublicPem };
        var (reason, message, _) = await ValidateAsync(TestTokens.Hs256(Claims()), options);

        Assert.Equal("verification", reason);
        Assert.Contains("uses HS256, for which Security:JWT has no key", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_Hs512_WithA32ByteSecret_HasNoKey()
    {
        var secret = new string('s', 32);
        var options = new Dictionary<string, string?> { ["Security:JWT:HMAC:Secret"] = secret };

        Assert.Null((await ValidateAsync(TestTokens.Sign(Header("HS256"), Claims(), secret: secret), options)).Reason);
        Assert.Equal("verification", (await ValidateAsync(TestTokens.Sign(Header("HS512"), Claims(), secret: secret), options)).Reason);
    }

    [Fact]
    public async Task Expired_AfterExpPlusSkew()
    {
        var claims = Claims();
        claims["exp"] = Now + 60;
        var token = TestTokens.Hs256(claims);

        Assert.Null((await ValidateAsync(token)).Reason);
        _time.Advance(TimeSpan.FromSeconds(60 + 59));
        Assert.Null((await ValidateAsync(token)).Reason); // within the one-minute skew
        _time.Advance(TimeSpan.FromSeconds(1));
        var (reason, message, _) = await ValidateAsync(token);
        Assert.Equal("expired", reason);
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' expired at 2026-11-23 12:01:00 UTC", message);
    }

    [Fact]
    public async Task NotYetValid_NbfOrIatInTheFuture()
    {
        var notBefore = Claims();
        notBefore["nbf"] = Now + 120;
        var issuedLater = Claims();
        issuedLater["iat"] = Now + 120;
        var withinSkew = Claims();
        withinSkew["nbf"] = Now + 30;

        var (notBeforeReason, notBeforeMessage, _) = await ValidateAsync(TestTokens.Hs256(notBefore));
        Assert.Equal("not-yet-valid", notBeforeReason);
        Assert.EndsWith("is not valid before 2026-11-23 12:02:00 UTC", notBeforeMessage, StringComparison.Ordinal);
        var (reason, message, _) = await ValidateAsync(TestTokens.Hs256(issuedLater));
        Assert.Equal("not-yet-valid", reason);
        Assert.Contains("was issued in the future", message, StringComparison.Ordinal);
        Assert.Null((await ValidateAsync(TestTokens.Hs256(withinSkew))).Reason);
    }

    [Fact]
    public async Task Issuer_WhenConfigured_IsOrdinal()
    {
        var claims = Claims();
        claims["iss"] = "TigerGraph Inc";
        var token = TestTokens.Hs256(claims);

        Assert.Null((await ValidateAsync(token, Options(issuer: "TigerGraph Inc"))).Reason);
        var (reason, message, _) = await ValidateAsync(token, Options(issuer: "tigergraph inc"));
        Assert.Equal("issuer", reason);
        Assert.EndsWith("has issuer TigerGraph Inc, which doesn't match the configured one tigergraph inc", message, StringComparison.Ordinal);
        Assert.Null((await ValidateAsync(token, Options())).Reason); // not configured: not checked
    }

    [Fact]
    public async Task Audience_StringOrArray_CaseSensitive()
    {
        var single = Claims();
        single["aud"] = "c";
        var array = Claims();
        array["aud"] = new JsonArray("a", "c");
        var otherCase = Claims();
        otherCase["aud"] = new JsonArray("a", "b", "C");
        var none = Claims();

        Assert.Null((await ValidateAsync(TestTokens.Hs256(single), Options(audience: "c"))).Reason);
        Assert.Null((await ValidateAsync(TestTokens.Hs256(array), Options(audience: "c"))).Reason);
        var token = TestTokens.Hs256(otherCase);
        Assert.Equal(("audience", $"Access Denied because the input token = '{TestTokens.Mask(token)}' contains audience [a,b,C], which doesn't include the configured one c"),
            Take(await ValidateAsync(token, Options(audience: "c"))));
        Assert.Equal("audience", (await ValidateAsync(TestTokens.Hs256(none), Options(audience: "c"))).Reason);
    }

    [Fact]
    public async Task UnknownUser_AndMissingSubject()
    {
        var (reason, message, _) = await ValidateAsync(TestTokens.Hs256(Claims("mallory")));
        Assert.Equal("unknown-user", reason);
        Assert.EndsWith("names user mallory, who does not exist", message, StringComparison.Ordinal);

        var noSubject = Claims();
        noSubject.Remove("sub");
        var (noSubjectReason, noSubjectMessage, _) = await ValidateAsync(TestTokens.Hs256(noSubject));
        Assert.Equal("unknown-user", noSubjectReason);
        Assert.EndsWith("has no subject (sub) naming a user", noSubjectMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Order_SignatureBeforeClaims()
    {
        // Expired AND badly signed: the signature is what is reported, so claims of a forged token are never discussed.
        var claims = Claims("mallory");
        claims["exp"] = Now - 3600;
        Assert.Equal("verification", (await ValidateAsync(TestTokens.Hs256(claims, secret: "another-secret-another-secret-another-secret"))).Reason);
    }

    [Fact]
    public async Task Messages_NeverHoldTheWholeToken()
    {
        foreach (var token in new[] { TestTokens.Hs256(Claims("mallory")), Tamper(TestTokens.Hs256(Claims())) })
        {
            var (_, message, _) = await ValidateAsync(token);
            Assert.DoesNotContain(token, message, StringComparison.Ordinal);
            Assert.Contains(TestTokens.Mask(token), message, StringComparison.Ordinal);
        }
    }

    private static (string?, string) Take((string? Reason, string Message, CallerIdentity? Caller) result) => (result.Reason, result.Message);

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = TestTokens.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))));
        payload["sub"] = "tigergraph";
        return parts[0] + "." + TestTokens.Encode(payload.ToJsonString()) + "." + parts[2];
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
