using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Authentication;

/// <summary>
/// The token handler behind JwtBearer's <c>Bearer</c> scheme (<c>JwtBearerOptions.TokenHandlers</c>):
/// every token is decided by <see cref="TokenValidator"/>, the same validation the token services
/// use, so a token means the same at every door. A failure carries its typed refusal out in an
/// <see cref="AuthenticationRefusedException"/>; JwtBearer hands it to <c>OnAuthenticationFailed</c>
/// and returns it as the authentication failure.
/// </summary>
/// <remarks>
/// IdentityModel's <c>JsonWebTokenHandler</c> is not used to validate: it reads tokens more
/// leniently than SPEC §6 allows (duplicate members, NumericDates as strings, non-canonical
/// base64url; see <c>TokenFormatTests</c> and <c>JsonWebTokenHandlerTests</c>) and reports failures
/// as exceptions that lose which check refused, which the refusal bodies name.
/// </remarks>
internal sealed class AuthProxyTokenHandler(TokenValidator validator) : TokenHandler
{
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var validation = await validator.ValidateAsync(token, TokenUse.Request, CancellationToken.None);
        return validation.Succeeded
            ? new TokenValidationResult { IsValid = true, ClaimsIdentity = validation.Caller, SecurityToken = new VerifiedToken(validation.Caller!) }
            : new TokenValidationResult { IsValid = false, Exception = new AuthenticationRefusedException(validation.Refusal) };
    }
}
