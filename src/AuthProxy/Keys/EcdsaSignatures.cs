using System.Numerics;

namespace AuthProxy.Keys;

/// <summary>
/// ECDSA signatures in JWS form (R || S, RFC 7518 section 3.4). For every valid (r, s) the pair
/// (r, n - s) verifies too, so a signature has two spellings; AuthProxy signs with the low one and
/// accepts only the low one on its own tokens, so each of its tokens has exactly one text.
/// </summary>
internal static class EcdsaSignatures
{
    private static readonly BigInteger P256Order = Parse("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    private static readonly BigInteger P384Order = Parse("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973");
    private static readonly BigInteger P521Order = Parse("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409");

    /// <summary>Whether <paramref name="signature"/> of an ES algorithm has its S above half the curve order.</summary>
    public static bool IsHighS(string algorithm, ReadOnlySpan<byte> signature) =>
        Order(algorithm) is { } order && signature.Length % 2 == 0
        && new BigInteger(signature[(signature.Length / 2)..], isUnsigned: true, isBigEndian: true) > order >> 1;

    /// <summary>The low-S form of a signature (unchanged when already low, or not ECDSA).</summary>
    public static byte[] ToLowS(string algorithm, byte[] signature)
    {
        if (Order(algorithm) is not { } order || !IsHighS(algorithm, signature))
        {
            return signature;
        }

        var half = signature.Length / 2;
        var s = new BigInteger(signature.AsSpan(half), isUnsigned: true, isBigEndian: true);
        var low = (order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = (byte[])signature.Clone();
        result.AsSpan(half).Clear();
        low.CopyTo(result.AsSpan(signature.Length - low.Length));
        return result;
    }

    private static BigInteger? Order(string algorithm) => algorithm switch
    {
        "ES256" => P256Order,
        "ES384" => P384Order,
        "ES512" => P521Order,
        _ => null,
    };

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
