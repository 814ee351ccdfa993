using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Authentication;

/// <summary>
/// A token <see cref="AuthProxyTokenHandler"/> accepted, as JwtBearer's <c>TokenValidatedContext.SecurityToken</c>
/// sees it: the issuer, the token id and the lifetime. It holds no key and shows only the masked token.
/// </summary>
internal sealed class VerifiedToken(CallerIdentity caller) : SecurityToken
{
    /// <summary>The caller the token names.</summary>
    public CallerIdentity Caller { get; } = caller;

    public override string Id => Caller.TokenId ?? string.Empty;

    public override string Issuer => Caller.Issuer?.Issuer ?? string.Empty;

    public override SecurityKey? SecurityKey => null;

    public override SecurityKey? SigningKey { get; set; }

    /// <summary>Not kept: JwtBearer leaves the ticket's issue time unset for <see cref="DateTime.MinValue"/>.</summary>
    public override DateTime ValidFrom => DateTime.MinValue;

    public override DateTime ValidTo => Caller.ExpiresAt?.UtcDateTime ?? DateTime.MinValue;

    public override string UnsafeToString() => Caller.MaskedCredential;

    public override string ToString() => Caller.MaskedCredential;
}
