using AuthProxy.Errors;

namespace AuthProxy.Authentication;

/// <summary>
/// A refusal the authorization step decided, waiting for the scheme's challenge or forbid to write it
/// (<see cref="BearerEvents"/>, <see cref="BasicHandler"/>): the request feature that carries it there.
/// </summary>
/// <param name="Refusal">What to answer.</param>
/// <param name="Challenges">The <c>WWW-Authenticate</c> values to send with it.</param>
internal sealed record PendingRefusal(Refusal Refusal, string[] Challenges)
{
    /// <summary>Hands the refusal to the scheme that will write it.</summary>
    public static void Set(HttpContext context, Refusal refusal, string[] challenges) =>
        context.Features.Set(new PendingRefusal(refusal, challenges));

    /// <summary>The refusal waiting to be written, removed from the request; null when there is none.</summary>
    public static PendingRefusal? Take(HttpContext context)
    {
        var pending = context.Features.Get<PendingRefusal>();
        if (pending is not null)
        {
            context.Features.Set<PendingRefusal>(null);
        }

        return pending;
    }

    /// <summary>What a scheme answers when challenged with nothing pending: its own authentication failure, or a missing credential.</summary>
    public static PendingRefusal ForFailure(Exception? failure, string[] challenges) =>
        new(failure is AuthenticationRefusedException refused ? refused.Refusal : Denials.Missing, challenges);

    /// <summary>Writes the refusal in the route's error style.</summary>
    public Task WriteAsync(HttpContext context) => RefusalWriter.WriteAsync(context, Refusal, Challenges);
}
