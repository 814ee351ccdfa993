using System.Globalization;
using System.Text;

namespace AuthProxy.Errors;

/// <summary>
/// The refusal messages, in TigerGraph's wording where TigerGraph has one. The README's error
/// table lists every one of them.
/// </summary>
internal static class Denials
{
    /// <summary>Tokens shorter than this are reported as TigerGraph reports an empty one.</summary>
    public const int MinimumTokenLength = 16;

    private const int MaxShownLength = 64;

    /// <summary>TigerGraph's exact wording for a missing token.</summary>
    public static readonly Refusal Missing = new(RefusalKind.Missing, "Access Denied because the input token = '' is empty or too short");

    /// <summary>A forbid with no reason decided: the caller is known and not allowed.</summary>
    public static readonly Refusal NotAllowed = Because(RefusalKind.Privilege, "the caller is not allowed on this route");

    /// <summary>Basic authentication refuses an unknown user and a wrong password alike.</summary>
    public static readonly Refusal BadPassword = new(RefusalKind.Verification, "Access Denied because the user name or password is incorrect");

    /// <summary>Too many failed attempts for the account or the client address.</summary>
    public static Refusal Throttled(TimeSpan retryAfter) =>
        new(RefusalKind.TooManyRequests, $"Access Denied because of too many failed attempts; try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds")
        {
            RetryAfter = retryAfter,
        };

    /// <summary>Every password hashing slot is busy: refused at once rather than queued.</summary>
    public static Refusal Busy(TimeSpan retryAfter) =>
        new(RefusalKind.TooManyRequests, $"Access Denied because too many password checks are running at once; try again in {(int)Math.Ceiling(retryAfter.TotalSeconds)} seconds")
        {
            RetryAfter = retryAfter,
        };

    /// <summary>A route's <c>RateLimit</c> is used up for the caller's partition (a user, graph, address or claim value, never named).</summary>
    public static Refusal RateLimited(Limits.PartitionKind by, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        return new(RefusalKind.RateLimited, $"Access Denied because this {Describe(by)} has used up the route's rate limit; try again in {seconds} seconds")
        {
            RetryAfter = TimeSpan.FromSeconds(seconds),
        };
    }

    /// <summary>A route's <c>Concurrency</c> maximum is reached for the caller's partition: refused at once, never queued.</summary>
    public static Refusal ConcurrencyLimited(Limits.PartitionKind by, int max) =>
        new(RefusalKind.Concurrency, $"Access Denied because this {Describe(by)} already has {max} request(s) in flight on this route; try again when one ends")
        {
            RetryAfter = TimeSpan.FromSeconds(1),
        };

    private static string Describe(Limits.PartitionKind by) => by switch
    {
        Limits.PartitionKind.User => "user",
        Limits.PartitionKind.Graph => "graph",
        Limits.PartitionKind.Address => "client address",
        _ => "claim value",
    };

    /// <summary>"Access Denied because the input token = 'eyJh****4WgE' {what}".</summary>
    public static Refusal Token(RefusalKind kind, string masked, string what) =>
        new(kind, $"Access Denied because the input token = '{masked}' {what}");

    /// <summary>
    /// TigerGraph's audience wording: "contains audience [a,b], which doesn't include the configured one c";
    /// a token without one "has no audience (aud); it must include the configured one c".
    /// </summary>
    public static Refusal Audience(string masked, IEnumerable<string> tokenAudiences, IReadOnlyList<string> configured)
    {
        var shown = string.Join(',', tokenAudiences.Take(10).Select(Show));
        var expected = configured.Count == 1
            ? "the configured one " + Show(configured[0])
            : "any of the configured ones [" + string.Join(',', configured.Select(Show)) + "]";
        return shown.Length == 0
            ? Token(RefusalKind.Audience, masked, $"has no audience (aud); it must include {expected}")
            : Token(RefusalKind.Audience, masked, $"contains audience [{shown}], which doesn't include {expected}");
    }

    /// <summary>A credential-independent refusal: "Access Denied because {what}".</summary>
    public static Refusal Because(RefusalKind kind, string what) => new(kind, "Access Denied because " + what);

    /// <summary>Formats an instant as TigerGraph's messages and logs do (UTC, second precision).</summary>
    public static string Time(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A client-supplied value made safe to echo: control characters replaced, at most 64 characters
    /// (65 when the 64th begins a surrogate pair, which is never cut in two).
    /// </summary>
    public static string Show(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var shown = TokenMask.Head(value, MaxShownLength); // never half a surrogate pair
        var builder = new StringBuilder(shown.Length + 3);
        foreach (var c in shown)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        if (value.Length > shown.Length)
        {
            builder.Append("...");
        }

        return builder.ToString();
    }
}
