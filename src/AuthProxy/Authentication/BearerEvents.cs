using AuthProxy.Errors;
using AuthProxy.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;

using AuthProxy.Policy;

namespace AuthProxy.Authentication;

/// <summary>
/// JwtBearer's events for the <c>Bearer</c> scheme. <see cref="MessageReceived"/> reads the token
/// under SPEC §6's header rules (one <c>Authorization</c> header, the scheme in any case, nothing
/// but the token after it) instead of JwtBearer's lenient prefix match, and decides on the spot a
/// token <see cref="VerifiedTokenCache"/> remembers or the request's policy step already checked
/// (<see cref="RequestDecision.BearerValidation"/>); <see cref="Challenge"/> and
/// <see cref="Forbidden"/> write the typed refusal in the route's error style with
/// <see cref="RefusalWriter"/>, in place of JwtBearer's bare 401 and 403.
/// </summary>
internal sealed partial class BearerEvents(TokenValidator validator, ILogger<BearerEvents> logger) : JwtBearerEvents
{
    /// <summary>Logs the refusal at Debug (the request's access line tells it at Information; JwtBearer's own lines are under <c>Microsoft.AspNetCore</c>, off by default); the token shows masked.</summary>
    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        if (context.Exception is AuthenticationRefusedException refused)
        {
            Log.BearerRefused(logger, refused.Refusal.Reason, refused.Refusal.Message);
        }

        return Task.CompletedTask;
    }

    public override Task MessageReceived(MessageReceivedContext context)
    {
        switch (AuthorizationHeader.TryReadInPlace(context.Request, AuthSchemes.Bearer, out var token))
        {
            case HeaderRead.Absent:
                context.NoResult();
                break;
            case HeaderRead.Ambiguous:
                Fail(context, Denials.Because(RefusalKind.Format, "the request carries more than one Authorization header"));
                break;
            default:
                if (token.Length == 0)
                {
                    // An empty token would send JwtBearer back to the header; it is a missing one.
                    Fail(context, Denials.Missing);
                }
                else if ((RequestDecision.Of(context.HttpContext)?.BearerValidation ?? validator.Remembered(token)) is { } decided)
                {
                    // A token this request's policy step already decided, or one that passed every
                    // check before, checked again for what can change (expiry, user, revocation):
                    // decided here, before JwtBearer copies its parameters and calls the token
                    // handler for a signature already verified.
                    if (decided.Caller is { } caller)
                    {
                        context.Principal = caller.Principal;
                        context.Success();
                    }
                    else
                    {
                        Fail(context, decided.Refusal);
                    }
                }
                else
                {
                    context.Token = token.ToString();
                }

                break;
        }

        return Task.CompletedTask;
    }

    private void Fail(MessageReceivedContext context, Refusal refusal)
    {
        Log.BearerRefused(logger, refusal.Reason, refusal.Message);
        context.Fail(new AuthenticationRefusedException(refusal));
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var pending = PendingRefusal.Take(context.HttpContext) ?? PendingRefusal.ForFailure(context.AuthenticateFailure, [RefusalWriter.BearerChallenge]);
        return pending.WriteAsync(context.HttpContext);
    }

    public override Task Forbidden(ForbiddenContext context)
    {
        var pending = PendingRefusal.Take(context.HttpContext)
            ?? new PendingRefusal(Denials.NotAllowed, [RefusalWriter.BearerForbidden]);
        return pending.WriteAsync(context.HttpContext);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.BearerRefused, Level = LogLevel.Debug, Message = "Bearer was not authenticated ({Reason}): {Message}")]
        public static partial void BearerRefused(ILogger logger, string reason, string message);
    }
}
