using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using AuthProxy.Errors;
using AuthProxy.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuthProxy.Authentication;

/// <summary>
/// The <c>Basic</c> scheme (RFC 7617): <c>base64(user:password)</c> checked against the declared
/// users. An unknown user and a wrong password get the same refusal and take as long.
/// </summary>
internal sealed class BasicHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    /// <summary>Longer credentials are refused before decoding.</summary>
    private const int MaxCredentialLength = 4096;


    private static readonly string[] Challenges = [RefusalWriter.BasicChallenge];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly CredentialCheck _credentials;

    public BasicHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CredentialCheck credentials)
        : base(options, logger, encoder)
    {
        _credentials = credentials;
    }

    /// <summary>Writes the refusal the authorization step decided (or this scheme's own failure) in the route's error style.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var pending = PendingRefusal.Take(Context) ?? PendingRefusal.ForFailure((await HandleAuthenticateOnceSafeAsync()).Failure, Challenges);
        await pending.WriteAsync(Context);
    }

    /// <summary>Writes the refusal the authorization step decided in the route's error style.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        (PendingRefusal.Take(Context) ?? new PendingRefusal(Denials.NotAllowed, [])).WriteAsync(Context);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        switch (AuthorizationHeader.TryRead(Request, AuthSchemes.Basic, out var encoded))
        {
            case HeaderRead.Absent:
                return Task.FromResult(AuthenticateResult.NoResult());
            case HeaderRead.Ambiguous:
                return Refuse(Denials.Because(RefusalKind.Format, "the request carries more than one Authorization header"));
        }

        if (encoded.Length == 0)
        {
            return Refuse(Denials.Because(RefusalKind.Missing, "the Basic credentials are empty"));
        }

        if (!TryDecode(encoded, out var userName, out var password))
        {
            return Refuse(Denials.Because(RefusalKind.Format, "the Basic credentials are not base64 of user:password"));
        }

        return CheckAsync(userName, password, encoded);
    }

    private async Task<AuthenticateResult> CheckAsync(string userName, string password, string encoded)
    {
        var checkedCredential = await _credentials.CheckPasswordAsync(userName, password, Context.Connection.RemoteIpAddress, Context.RequestAborted);
        if (!checkedCredential.Succeeded)
        {
            return await Refuse(checkedCredential.Refusal);
        }

        var identity = new CallerIdentity(checkedCredential.User!, AuthSchemes.Basic, tokenGraph: null, tokenId: null, TokenMask.Mask(encoded));
        return AuthenticateResult.Success(new AuthenticationTicket(identity.Principal, Scheme.Name));
    }

    private static bool TryDecode(string encoded, out string userName, out string password)
    {
        userName = password = string.Empty;
        if (encoded.Length > MaxCredentialLength)
        {
            return false;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length));
        try
        {
            if (!Convert.TryFromBase64String(encoded, bytes, out var written))
            {
                return false;
            }

            string text;
            try
            {
                text = StrictUtf8.GetString(bytes, 0, written);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            // RFC 7617: the user-id cannot contain ':'; the password may.
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            userName = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        finally
        {
            Array.Clear(bytes);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static Task<AuthenticateResult> Refuse(Refusal refusal) =>
        Task.FromResult(AuthenticateResult.Fail(new AuthenticationRefusedException(refusal)));
}
