using System.Collections.Frozen;

namespace AuthProxy.Keys;

/// <summary>The accepted JWS algorithms and the key family each needs.</summary>
internal static class JwsAlgorithms
{
    public static readonly FrozenSet<string> Hmac = FrozenSet.Create(StringComparer.Ordinal, "HS256", "HS384", "HS512");
    public static readonly FrozenSet<string> Rsa = FrozenSet.Create(StringComparer.Ordinal, "RS256", "RS384", "RS512");
    public static readonly FrozenSet<string> RsaPss = FrozenSet.Create(StringComparer.Ordinal, "PS256", "PS384", "PS512");
    public static readonly FrozenSet<string> Ec = FrozenSet.Create(StringComparer.Ordinal, "ES256", "ES384", "ES512");
    public static readonly FrozenSet<string> EdDsa = FrozenSet.Create(StringComparer.Ordinal, "EdDSA");

    /// <summary>Every algorithm AuthProxy can verify.</summary>
    public static readonly FrozenSet<string> All = Hmac.Concat(Rsa).Concat(RsaPss).Concat(Ec).Concat(EdDsa).ToFrozenSet(StringComparer.Ordinal);

    public static bool TryGetFamily(string? algorithm, out KeyFamily family)
    {
        switch (algorithm)
        {
            case "HS256" or "HS384" or "HS512":
                family = KeyFamily.Hmac;
                return true;
            case "RS256" or "RS384" or "RS512":
                family = KeyFamily.Rsa;
                return true;
            case "PS256" or "PS384" or "PS512":
                family = KeyFamily.RsaPss;
                return true;
            case "ES256" or "ES384" or "ES512":
                family = KeyFamily.Ec;
                return true;
            case "EdDSA":
                family = KeyFamily.EdDsa;
                return true;
            default:
                family = default;
                return false;
        }
    }

    /// <summary>Bytes an HMAC secret needs for an algorithm: at least the hash size (RFC 7518 section 3.2).</summary>
    public static int MinimumHmacBytes(string algorithm) => algorithm switch
    {
        "HS384" => 48,
        "HS512" => 64,
        _ => 32,
    };
}
