using System.Security.Claims;
using System.Text.Encodings.Web;
using AuthProxy.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuthProxy.Authentication;

/// <summary>
/// The <c>Bearer</c> scheme: a JWT from a trusted provider. Challenges and forbids are written
/// by <see cref="Policy.RefusalResultHandler"/>, which knows the route's error style.
/// </summary>
internal sealed class BearerHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly TokenValidator _validator;

    public BearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenValidator validator)
        : base(options, logger, encoder)
    {
        _validator = validator;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (AuthorizationHeader.TryRead(Request, AuthSchemes.Bearer, out var token))
        {
            case HeaderRead.Absent:
                return AuthenticateResult.NoResult();
            case HeaderRead.Ambiguous:
                return Refuse(Denials.Because(RefusalKind.Format, "the request carries more than one Authorization header"));
        }

        var validation = await _validator.ValidateAsync(token, Context.RequestAborted);
        // The base class logs the failure message, which holds only the masked token.
        return validation.Succeeded
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(validation.Caller!), Scheme.Name))
            : Refuse(validation.Refusal);
    }

    private static AuthenticateResult Refuse(Refusal refusal) => AuthenticateResult.Fail(new AuthenticationRefusedException(refusal));
}
