using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using static AuthProxy.Keys.KeyChecks;

namespace AuthProxy.Keys;

/// <summary>Signature verification keys from a JWK Set, skipping keys for other uses and key types AuthProxy cannot use.</summary>
internal static class JwksKeys
{
    /// <summary>
    /// A JWK Set (RFC 7517). Keys for encryption (<c>use</c> other than <c>sig</c>, or
    /// <c>key_ops</c> without <c>verify</c>) and key types AuthProxy cannot use are skipped; a
    /// weak key is a problem. A set with no usable key is a problem.
    /// </summary>
    public static List<TrustedKey> Parse(string json, string source, KeyRules rules, List<string> problems)
    {
        var keys = new List<TrustedKey>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            problems.Add($"{source}: the JWKS is not valid JSON ({ex.Message})");
            return keys;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{source}: the JWKS has no \"keys\" array");
                return keys;
            }

            var index = 0;
            foreach (var jwk in array.EnumerateArray())
            {
                var where = $"{source} keys[{index++}]";
                if (jwk.ValueKind == JsonValueKind.Object && ParseJwk(jwk, where, rules, problems) is { } key)
                {
                    keys.Add(key);
                }
            }
        }

        if (keys.Count == 0)
        {
            problems.Add($"{source}: the JWKS {KeyMaterial.NoUsableKey}");
        }

        return keys;
    }

    private static TrustedKey? ParseJwk(JsonElement jwk, string where, KeyRules rules, List<string> problems)
    {
        var kty = Text(jwk, "kty");
        var kid = Text(jwk, "kid");
        var declared = Text(jwk, "alg");
        var use = Text(jwk, "use");
        if (use is not null && use != "sig")
        {
            return null;
        }

        if (jwk.TryGetProperty("key_ops", out var ops) && ops.ValueKind == JsonValueKind.Array
            && !ops.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == "verify"))
        {
            return null;
        }

        try
        {
            switch (kty)
            {
                case "RSA" when Bytes(jwk, "n") is { } n && Bytes(jwk, "e") is { } e:
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters { Modulus = n, Exponent = e });
                    return FromRsa(rsa, kid, declared, where, rules, problems);
                case "EC" when Text(jwk, "crv") is { } crv && Bytes(jwk, "x") is { } x && Bytes(jwk, "y") is { } y:
                    ECCurve? curve = crv switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => null,
                    };
                    if (curve is null)
                    {
                        return null; // a curve AuthProxy does not verify with (e.g. secp256k1): skipped
                    }

                    var ec = ECDsa.Create(new ECParameters { Curve = curve.Value, Q = new ECPoint { X = x, Y = y } });
                    return FromEc(ec, kid, declared, where, rules, problems);
                case "OKP" when Text(jwk, "crv") == "Ed25519" && Bytes(jwk, "x") is { } raw:
                    return EdDsaSecurityKey.FromRaw(raw) is { } ed
                        ? FromEdDsa(ed, kid, declared, where, rules, problems)
                        : Problem(problems, $"{where}: the Ed25519 key{Kid(kid)} cannot be read");
                case "oct" when !rules.IsSymmetric:
                    // A key set for public keys that carries a shared secret publishes it: anyone could sign with it.
                    return Problem(problems, $"{where}: the oct key{Kid(kid)} is a shared secret in a key set for public keys; it is refused");
                case "oct" when Bytes(jwk, "k") is { } secret:
                    return HmacKey(secret, kid, declared, where, rules, problems);
                case "RSA" or "EC" or "OKP" or "oct":
                    return Problem(problems, $"{where}: the {kty} key{Kid(kid)} lacks required members or they are not base64url");
                default:
                    return null; // unknown key types are skipped, as RFC 7517 section 5 asks
            }
        }
        catch (CryptographicException ex)
        {
            return Problem(problems, $"{where}: the {kty} key{Kid(kid)} cannot be read ({ex.Message})");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement element, string name)
    {
        if (Text(element, name) is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return Base64UrlEncoder.DecodeBytes(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
