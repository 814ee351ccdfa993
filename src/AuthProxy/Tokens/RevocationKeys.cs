using AuthProxy.Authentication;
using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>
/// What a revocation or a block list entry names: what the token's signer fixed, never the exact
/// bytes of the compact string, so no re-encoding of a token escapes it. AuthProxy's own tokens are
/// named by their <c>jti</c> (<c>jti:</c>...); any other token by the SHA-256 of its signing input,
/// the header and payload it was signed over (<c>sig:</c>...). A signature has several spellings
/// (ECDSA's (r, n - s), base64url's spare bits); the signing input has one.
/// </summary>
internal static class RevocationKeys
{
    /// <summary>Names a third-party token by its signing input.</summary>
    public const string SigningInputPrefix = "sig:";

    /// <summary>Names a token by the SHA-256 of its whole text: entries written before keys named what the signer fixed.</summary>
    public const string LegacyPrefix = "text:";

    public static string ForOwnToken(string tokenId) => IssuedToken.KeyPrefix + tokenId;

    public static string ForSigningInput(ReadOnlySpan<char> token) => SigningInputPrefix + SigningInputHash(token).ToString();

    /// <summary>Most tokens a chain of tokens made with tokens may hold: a deeper one is not made.</summary>
    public const int MaxAncestors = 8;

    /// <summary>
    /// The ancestors a token made by presenting <paramref name="caller"/>'s token carries: the
    /// caller's own, then the caller's; empty for a caller who used a password.
    /// </summary>
    public static string[] LineageOf(CallerIdentity caller) =>
        caller.Token is { } token ? [.. caller.Ancestors, Of(token, caller)] : [];

    /// <summary>The key of a token that validated as <paramref name="caller"/>.</summary>
    public static string Of(string token, CallerIdentity caller) =>
        caller.Issuer is { IsAuthProxy: true } && caller.TokenId is { } tokenId ? ForOwnToken(tokenId) : ForSigningInput(token);

    /// <summary>The SHA-256 of everything before the signature.</summary>
    public static TokenHash SigningInputHash(ReadOnlySpan<char> token)
    {
        var lastDot = token.LastIndexOf('.');
        return TokenHash.Of(lastDot < 0 ? token : token[..lastDot]);
    }
}
