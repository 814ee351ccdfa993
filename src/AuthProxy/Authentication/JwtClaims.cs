namespace AuthProxy.Authentication;

/// <summary>The claims of a JWT that AuthProxy reads, each of its registered type.</summary>
/// <param name="Expires">The <c>exp</c> NumericDate in seconds, or null.</param>
/// <param name="NotBefore">The <c>nbf</c> NumericDate in seconds, or null.</param>
/// <param name="IssuedAt">The <c>iat</c> NumericDate in seconds, or null.</param>
/// <param name="Issuer">The <c>iss</c>, or null.</param>
/// <param name="Subject">The <c>sub</c>, or null.</param>
/// <param name="Graph">The <c>graph</c> scope (TigerGraph's claim), or null.</param>
/// <param name="TokenId">The <c>jti</c>, or null.</param>
/// <param name="Type">The <c>type</c> claim (<c>PERSONAL</c> for a personal access token), or null.</param>
/// <param name="Audiences">The <c>aud</c> values: one for a string, each for an array; empty when absent.</param>
/// <param name="Ancestors">
/// The <c>anc</c> claim of AuthProxy's own tokens: the revocation keys of the tokens presented to
/// make this one (the nearest last); empty when it was made with a password or a secret.
/// </param>
internal readonly record struct JwtClaims(
    long? Expires, long? NotBefore, long? IssuedAt,
    string? Issuer, string? Subject, string? Graph, string? TokenId, string? Type, string[] Audiences, string[] Ancestors)
{
    /// <summary>The decoded payload (JSON), for the claims policies read beyond these (<see cref="TokenClaims"/>).</summary>
    public byte[] Payload { get; init; } = [];
}
