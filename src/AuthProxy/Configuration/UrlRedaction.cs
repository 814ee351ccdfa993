using System.Text;
using System.Text.RegularExpressions;

namespace AuthProxy.Configuration;

/// <summary>
/// How a URL is shown anywhere AuthProxy writes one (metric labels, span tags, readiness text,
/// logs, start-up problems, the <c>config</c> verbs): scheme, host, port and path only. User
/// info, the query and the fragment can carry credentials (a signed <c>X-Amz-Signature</c>, a
/// <c>user:password@</c>), so they are replaced by a marker that says something was there:
/// <c>https://…@idp.example/keys?…</c>.
/// </summary>
internal static partial class UrlRedaction
{
    /// <summary>The marker standing for a removed part in logs and telemetry.</summary>
    public const string Removed = "…";

    /// <summary><paramref name="url"/> without user info, query or fragment, each replaced by <paramref name="marker"/>.</summary>
    public static string Redact(Uri url, string marker = Removed)
    {
        if (!url.IsAbsoluteUri)
        {
            return Redact(url.OriginalString, marker);
        }

        if (url.UserInfo.Length == 0 && url.Query.Length <= 1 && url.Fragment.Length <= 1)
        {
            return url.OriginalString.Trim(); // nothing to remove: shown as the operator spelled it
        }

        var text = new StringBuilder(url.Scheme).Append(Uri.SchemeDelimiter);
        if (url.UserInfo.Length > 0)
        {
            text.Append(marker).Append('@');
        }

        text.Append(url.Authority);
        var original = url.OriginalString.AsSpan();
        var beforeQuery = original.IndexOfAny('?', '#') is var cut and >= 0 ? original[..cut] : original;
        if (url.AbsolutePath != "/" || beforeQuery.EndsWith("/"))
        {
            text.Append(url.AbsolutePath);
        }

        if (url.Query.Length > 1)
        {
            text.Append('?').Append(marker);
        }

        if (url.Fragment.Length > 1)
        {
            text.Append('#').Append(marker);
        }

        return text.ToString();
    }

    /// <summary>
    /// A URL given as text, which may not even parse (a bad setting, a discovery document's
    /// <c>jwks_uri</c>): parsed when it can be, else cut by hand at the same places, erring on
    /// the side of removing too much.
    /// </summary>
    public static string Redact(string url, string marker = Removed)
    {
        var trimmed = url.Trim();
        var schemeEnd = trimmed.IndexOf(Uri.SchemeDelimiter, StringComparison.Ordinal);
        if (schemeEnd > 0 && Uri.TryCreate(trimmed, UriKind.Absolute, out var parsed))
        {
            return Redact(parsed, marker);
        }

        var text = new StringBuilder();
        var rest = trimmed.AsSpan();
        if (schemeEnd > 0)
        {
            text.Append(rest[..(schemeEnd + Uri.SchemeDelimiter.Length)]);
            rest = rest[(schemeEnd + Uri.SchemeDelimiter.Length)..];
        }

        var cut = rest.IndexOfAny('?', '#');
        var path = cut < 0 ? rest : rest[..cut];
        var at = path.LastIndexOf('@');
        if (at >= 0)
        {
            // Unparsed, the user info may hold a '/' of its own: everything up to the last '@' goes.
            text.Append(marker).Append('@');
            path = path[(at + 1)..];
        }

        text.Append(path);
        if (cut < 0)
        {
            return text.ToString();
        }

        var hash = rest.IndexOf('#');
        var query = rest[cut] == '?' ? (hash < 0 ? rest[(cut + 1)..] : rest[(cut + 1)..hash]) : [];
        if (query.Length > 0)
        {
            text.Append('?').Append(marker);
        }

        if (hash >= 0 && hash + 1 < rest.Length)
        {
            text.Append('#').Append(marker);
        }

        return text.ToString();
    }

    /// <summary>
    /// Free text (an exception's message, a cause, a list of values) with every absolute URL in it
    /// redacted. Punctuation that closes the sentence around a URL is kept as it was.
    /// </summary>
    public static string RedactAll(string text, string marker = Removed)
    {
        if (!text.Contains(Uri.SchemeDelimiter, StringComparison.Ordinal))
        {
            return text;
        }

        return UrlPattern().Replace(text, match =>
        {
            var url = match.Value;
            var end = url.Length;
            while (end > 0 && url[end - 1] is ')' or ']' or '}' or '.' or ',' or ';' or ':')
            {
                end--;
            }

            return Redact(url[..end], marker) + url[end..];
        });
    }

    // A scheme, "://", then everything up to white space, a quote, or a comma that starts the next
    // URL of a list: a URL in a message or a list setting ends there.
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.\-]*://(?:(?!,[A-Za-z][A-Za-z0-9+.\-]*://)[^\s'""<>`])*", RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();
}
