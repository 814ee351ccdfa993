using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AuthProxy.Tokens;

/// <summary>
/// A token's SHA-256 digest: how AuthProxy names a token it must remember (revocations, block
/// lists, issued-token records) without keeping the token. As text it is base64, as DataHub
/// writes personal access token ids.
/// </summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>Hashes the token's UTF-8 bytes without allocating.</summary>
    public static TokenHash Of(ReadOnlySpan<char> token)
    {
        Span<byte> digest = stackalloc byte[32];
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        if (length <= 4096)
        {
            Span<byte> bytes = stackalloc byte[length];
            var written = Encoding.UTF8.GetBytes(token, bytes);
            SHA256.HashData(bytes[..written], digest);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(token.ToArray()), digest);
        }

        return FromDigest(digest);
    }

    public static bool TryParse(string text, out TokenHash hash)
    {
        Span<byte> digest = stackalloc byte[32];
        if (Convert.TryFromBase64String(text, digest, out var written) && written == 32)
        {
            hash = FromDigest(digest);
            return true;
        }

        hash = default;
        return false;
    }

    public override string ToString()
    {
        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(digest, A);
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(digest[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(digest[24..], D);
        return Convert.ToBase64String(digest);
    }

    private static TokenHash FromDigest(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64BigEndian(digest),
        BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
}
