using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuthProxy.Tests.Common;

/// <summary>
/// Builds JWTs by hand with the platform's own primitives (not the library AuthProxy verifies
/// with), including ones no well-behaved library would produce.
/// </summary>
public static class TestTokens
{
    /// <summary>A 64-byte HMAC secret, as text, long enough for HS512.</summary>
    public const string HmacSecret = "test-hmac-secret-that-is-long-enough-for-hs512-0123456789abcdefgh";

    public static readonly RSA Rsa = RSA.Create(2048);

    public static readonly RSA OtherRsa = RSA.Create(2048);

    public static string RsaPublicPem => Rsa.ExportSubjectPublicKeyInfoPem();

    public static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Claims for a valid token for <paramref name="sub"/>, valid for an hour.</summary>
    public static JsonObject Claims(string sub, string? graph = null, long? now = null)
    {
        var at = now ?? Now;
        var claims = new JsonObject { ["sub"] = sub, ["iat"] = at, ["exp"] = at + 3600 };
        if (graph is not null)
        {
            claims["graph"] = graph;
        }

        return claims;
    }

    public static string Hs256(JsonObject claims, JsonObject? header = null, string secret = HmacSecret) =>
        Sign(header ?? new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" }, claims, secret: secret);

    public static string Rs256(JsonObject claims, JsonObject? header = null, RSA? key = null) =>
        Sign(header ?? new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" }, claims, rsa: key ?? Rsa);

    /// <summary>Signs with the algorithm the header names (HS*, RS*, PS*); <c>none</c> gets an empty signature.</summary>
    public static string Sign(JsonObject header, JsonObject claims, string? secret = HmacSecret, RSA? rsa = null)
    {
        var signingInput = Encode(header.ToJsonString()) + "." + Encode(claims.ToJsonString());
        var data = Encoding.ASCII.GetBytes(signingInput);
        var alg = header["alg"]?.GetValue<string>() ?? "none";
        byte[] signature = alg switch
        {
            "HS256" => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), data),
            "HS384" => HMACSHA384.HashData(Encoding.UTF8.GetBytes(secret!), data),
            "HS512" => HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret!), data),
            "RS256" => (rsa ?? Rsa).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            "RS384" => (rsa ?? Rsa).SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => (rsa ?? Rsa).SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => (rsa ?? Rsa).SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => [],
        };

        return signingInput + "." + Encode(signature);
    }

    public static string Encode(string json) => Encode(Encoding.UTF8.GetBytes(json));

    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Mask(string token) => token[..4] + "****" + token[^4..];

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static string ToJson(object value) => JsonSerializer.Serialize(value);
}
