using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// A signed token whose payload holds a string that is not valid Unicode (a lone surrogate escape,
/// invalid UTF-8), in a claim only a policy reads (scopes, claim rules, claim headers) or nested
/// anywhere, is refused when the token is read, as <c>401 format</c>: no route answers it with a
/// 500 when its policy first looks at the claim, and no two readings of one token differ.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClaimTextTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Refused = "is not a valid JWT: its payload is not base64url-encoded JSON";

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(LimitRoutes.Claims(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    /// <summary>An HS256 token over exactly these payload bytes (a JSON writer would not write them).</summary>
    private static string Token(byte[] payload)
    {
        var signingInput = TestTokens.Encode("""{"alg":"HS256","typ":"JWT"}""") + "." + TestTokens.Encode(payload);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.HmacSecret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + TestTokens.Encode(signature);
    }

    /// <summary>A payload of a subject, an expiry ten minutes from now and these claims' bytes.</summary>
    private static byte[] Payload(byte[] claims) =>
        [.. Encoding.UTF8.GetBytes($$"""{"sub":"tigergraph","exp":{{TestTokens.Now + 600}},"""), .. claims, (byte)'}'];

    private static byte[] Payload(string claims) => Payload(Claims(claims));

    private static byte[] Claims(string claims) => Encoding.UTF8.GetBytes(claims);

    private static byte[] Claims(string before, byte[] raw, string after) => [.. Claims(before), .. raw, .. Claims(after)];

    // The theory's data holds no time: test runners (Stryker's among them) find each case again by its data.
    public static TheoryData<string, string, byte[]> Tokens() => new()
    {
        // Each once answered 500 when the route's policy read the claim.
        { "claim header, lone high surrogate", "/claims-out", Claims("""
            "tenant":"acme\ud800"
            """) },
        { "claim header, surrogates reversed", "/claims-out", Claims("""
            "tenant":"\udc00\ud800"
            """) },
        { "claim header, array item", "/claims-out", Claims("""
            "groups":["admins","\udfff"]
            """) },
        { "claim header, invalid UTF-8", "/claims-out", Claims("\"tenant\":\"a", [0xFF, 0xFE], "b\"") },
        { "claim rule, UTF-8 of a surrogate", "/tenant", Claims("\"tenant\":\"acme\",\"groups\":[\"admins\",\"", [0xED, 0xA0, 0x80], "\"]") },
        { "scope, lone surrogate", "/scoped", Claims("""
            "scope":"read write \ud800"
            """) },
        { "scp array, lone surrogate", "/scoped", Claims("""
            "scope":"read write","scp":["\ud800"]
            """) },
        // Never read by a policy: one reading of the token all the same.
        { "unread claim, nested member name", "/claims-out", Claims("""
            "profile":{"\ud800":1}
            """) },
        { "unread claim, nested array", "/claims-out", Claims("""
            "profile":[[{"name":"\udc00"}]]
            """) },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task TokenWithTextThatIsNotUnicode_IsRefusedAsFormat_NeverA500(string why, string path, byte[] claims)
    {
        var token = Token(Payload(claims));

        using var response = await _proxy.Client.SendAsync(Http.Get(path, token));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("format", body.GetProperty("reason").GetString());
        Assert.Contains(Refused, text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_proxy.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ClaimsOutsideTheBasicPlane_AreReadAndForwarded()
    {
        var token = Token(Payload("""
            "tenant":"acme \ud83d\ude00","groups":["\ud83d\ude00"]
            """));

        using var response = await _proxy.Client.SendAsync(Http.Get("/claims-out", token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        Assert.Equal(Uri.EscapeDataString("acme \U0001F600"), headers.GetProperty("X-AuthProxy-Claim-Tenant").GetString());
    }
}
