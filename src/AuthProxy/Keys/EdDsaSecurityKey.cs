using Microsoft.IdentityModel.Tokens;
using NSec.Cryptography;

namespace AuthProxy.Keys;

/// <summary>
/// An Ed25519 public key (RFC 8037, JWS algorithm <c>EdDSA</c>). IdentityModel has no EdDSA, so
/// verification goes to NSec (libsodium).
/// </summary>
internal sealed class EdDsaSecurityKey : SecurityKey
{
    private readonly PublicKey _key;

    private EdDsaSecurityKey(PublicKey key)
    {
        _key = key;
    }

    public override int KeySize => 256;

    /// <summary>From the 32 raw bytes of a JWK's <c>x</c>.</summary>
    public static EdDsaSecurityKey? FromRaw(ReadOnlySpan<byte> raw) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) && key is not null ? new EdDsaSecurityKey(key) : null;

    /// <summary>From a DER SubjectPublicKeyInfo.</summary>
    public static EdDsaSecurityKey? FromSubjectPublicKeyInfo(ReadOnlySpan<byte> spki) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, spki, KeyBlobFormat.PkixPublicKey, out var key) && key is not null ? new EdDsaSecurityKey(key) : null;

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureAlgorithm.Ed25519.SignatureSize && SignatureAlgorithm.Ed25519.Verify(_key, data, signature);
}
