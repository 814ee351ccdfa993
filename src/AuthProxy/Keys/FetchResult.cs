using AuthProxy.Configuration;

namespace AuthProxy.Keys;

/// <summary>
/// The outcome of a fetch: the body, or a classified failure with its cause. A cause is shown in
/// logs, spans and readiness text, so every URL in it (an exception's message may quote a proxy's
/// or a redirect's) is redacted here, once.
/// </summary>
internal readonly record struct FetchResult(string? Body, FetchOutcome Outcome, string? Cause)
{
    public bool Succeeded => Outcome == FetchOutcome.Success;

    public static FetchResult Ok(string body) => new(body, FetchOutcome.Success, null);

    public static FetchResult Fail(FetchOutcome outcome, string cause) => new(null, outcome, UrlRedaction.RedactAll(cause));
}
