using System.Numerics;

namespace AuthProxy.Tests.Common;

/// <summary>
/// Other spellings of the same signed token: the ECDSA (r, n - s) twin and base64url with spare
/// bits set. Each still carries a signature over the same signing input.
/// </summary>
public static class TokenSpellings
{
    private static readonly BigInteger P256Order = new(Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"), isUnsigned: true, isBigEndian: true);

    /// <summary>The same ES256 token with S replaced by n - S: a second valid signature.</summary>
    public static string FlipS(string token)
    {
        var lastDot = token.LastIndexOf('.');
        var signature = Decode(token[(lastDot + 1)..]);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var flipped = (P256Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = (byte[])signature.Clone();
        result.AsSpan(32).Clear();
        flipped.CopyTo(result.AsSpan(64 - flipped.Length));
        return token[..(lastDot + 1)] + TestTokens.Encode(result);
    }

    /// <summary>Whether an ES256 token's S is in the upper half of the curve order.</summary>
    public static bool IsHighS(string token)
    {
        var signature = Decode(token[(token.LastIndexOf('.') + 1)..]);
        return new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true) > P256Order / 2;
    }

    /// <summary>The same token with the unused low bits of the signature's last base64url character set.</summary>
    public static string SpareBits(string token)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var last = Alphabet.IndexOf(token[^1], StringComparison.Ordinal);
        var spare = (token.Length - token.LastIndexOf('.') - 1) % 4 == 2 ? 0x0F : 0x03;
        return token[..^1] + Alphabet[last | spare];
    }

    private static byte[] Decode(string part) =>
        Convert.FromBase64String(part.Replace('-', '+').Replace('_', '/') + new string('=', (4 - part.Length % 4) % 4));
}
