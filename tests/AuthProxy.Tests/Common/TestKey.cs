using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using NSec.Cryptography;

namespace AuthProxy.Tests.Common;

/// <summary>Signing keys of every family, their JWKs, and tokens signed with them.</summary>
public sealed class TestKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly Key? _ed;

    private TestKey(string kid, string alg, RSA? rsa = null, ECDsa? ec = null, Key? ed = null)
    {
        Kid = kid;
        Alg = alg;
        _rsa = rsa;
        _ec = ec;
        _ed = ed;
    }

    public string Kid { get; }

    public string Alg { get; }

    public static TestKey Rsa(string kid, string alg = "RS256", int bits = 2048) => new(kid, alg, rsa: RSA.Create(bits));

    public static TestKey Ec(string kid, string alg = "ES256") => new(kid, alg, ec: ECDsa.Create(alg switch
    {
        "ES384" => ECCurve.NamedCurves.nistP384,
        "ES512" => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.NamedCurves.nistP256,
    }));

    public static TestKey Ed25519(string kid) =>
        new(kid, "EdDSA", ed: Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>The public JWK; <paramref name="withAlg"/> false leaves <c>alg</c> out.</summary>
    public JsonObject Jwk(bool withAlg = true)
    {
        JsonObject jwk;
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            jwk = new JsonObject { ["kty"] = "RSA", ["n"] = TestTokens.Encode(p.Modulus!), ["e"] = TestTokens.Encode(p.Exponent!) };
        }
        else if (_ec is not null)
        {
            var p = _ec.ExportParameters(false);
            var crv = _ec.KeySize switch { 384 => "P-384", 521 => "P-521", _ => "P-256" };
            jwk = new JsonObject { ["kty"] = "EC", ["crv"] = crv, ["x"] = TestTokens.Encode(p.Q.X!), ["y"] = TestTokens.Encode(p.Q.Y!) };
        }
        else
        {
            jwk = new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = TestTokens.Encode(_ed!.PublicKey.Export(KeyBlobFormat.RawPublicKey)) };
        }

        jwk["kid"] = Kid;
        jwk["use"] = "sig";
        if (withAlg)
        {
            jwk["alg"] = Alg;
        }

        return jwk;
    }

    public string PublicPem() => _rsa?.ExportSubjectPublicKeyInfoPem() ?? _ec?.ExportSubjectPublicKeyInfoPem()
        ?? "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(_ed!.PublicKey.Export(KeyBlobFormat.PkixPublicKey), Base64FormattingOptions.InsertLineBreaks) + "\n-----END PUBLIC KEY-----\n";

    public static string Jwks(params TestKey[] keys) => new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.Jwk()).ToArray()) }.ToJsonString();

    /// <summary>
    /// A token signed by this key, with <c>kid</c> in its header (unless <paramref name="kid"/> overrides it),
    /// with the key's algorithm or <paramref name="alg"/> (another of the same family).
    /// </summary>
    public string Sign(JsonObject claims, string? kid = null, string typ = "JWT", string? alg = null)
    {
        var algorithm = alg ?? Alg;
        var header = new JsonObject { ["alg"] = algorithm, ["typ"] = typ, ["kid"] = kid ?? Kid };
        var input = TestTokens.Encode(header.ToJsonString()) + "." + TestTokens.Encode(claims.ToJsonString());
        var data = Encoding.ASCII.GetBytes(input);
        var hash = algorithm[2..] switch { "384" => HashAlgorithmName.SHA384, "512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
        byte[] signature = algorithm switch
        {
            "EdDSA" => SignatureAlgorithm.Ed25519.Sign(_ed!, data),
            _ when algorithm.StartsWith("ES", StringComparison.Ordinal) => _ec!.SignData(data, hash),
            _ when algorithm.StartsWith("PS", StringComparison.Ordinal) => _rsa!.SignData(data, hash, RSASignaturePadding.Pss),
            _ => _rsa!.SignData(data, hash, RSASignaturePadding.Pkcs1),
        };
        return input + "." + TestTokens.Encode(signature);
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
        _ed?.Dispose();
    }
}
