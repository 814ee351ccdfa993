using System.Buffers;
using AuthProxy.Errors;
using AuthProxy.Hosting;
using Microsoft.AspNetCore.Http.Features;

namespace AuthProxy.Parameters;

/// <summary>
/// A request body as a backend that reads parameters from bodies would see it: its kinds (more
/// than one when the request carries more than one <c>Content-Type</c>), its media type for
/// messages, and why AuthProxy cannot read it like that backend (<see cref="Problem"/>), if so.
/// </summary>
/// <param name="Kinds">What the body is; <see cref="BodyKinds.None"/> when the request has no body.</param>
/// <param name="MediaType">The media type to show in messages: the (first) value's first token that names a parameter kind, or its first token, or "no Content-Type".</param>
/// <param name="Problem">Why a body of a parameter kind cannot be read as its backend reads it: compressed, in a charset AuthProxy does not read, or with more than one <c>Content-Type</c>; null when it can.</param>
internal readonly record struct BodyShape(BodyKinds Kinds, string MediaType, string? Problem)
{
    /// <summary>What ends a media type or token in a <c>Content-Type</c> value: <c>;</c>, <c>,</c>, and every whitespace and control character.</summary>
    private static readonly SearchValues<char> Separators = SearchValues.Create(
        ";, \u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\v\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F\u0085\u00A0");

    /// <summary>What ends a charset's value.</summary>
    private static readonly SearchValues<char> CharsetEnds = SearchValues.Create(
        ";,\"' \u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\v\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>Whether backends may read parameters from the body.</summary>
    public bool MayCarryParameters => (Kinds & BodyKinds.Parameters) != 0;

    /// <summary>The shape of <paramref name="request"/>'s body. Allocates nothing for a request without a body.</summary>
    public static BodyShape Of(HttpRequest request)
    {
        var canHaveBody = request.HttpContext.Features.Find<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);
        if (!canHaveBody)
        {
            return new BodyShape(BodyKinds.None, string.Empty, null);
        }

        var types = request.Headers.ContentType;
        var kinds = types.Count == 0 ? BodyKinds.Form : BodyKinds.None; // no Content-Type: Rack reads a POST body as a form
        string? problem = null;
        foreach (var value in types)
        {
            var kind = KindsOf(value);
            kinds |= kind;
            if ((kind & BodyKinds.Parameters) != 0 && UnreadableCharset(value) is { } charset)
            {
                problem ??= $"it declares charset {Denials.Show(charset)}, which AuthProxy does not read (only UTF-8, US-ASCII, ISO-8859-1 and windows-1252)";
            }
        }

        if ((kinds & BodyKinds.Parameters) != 0)
        {
            if (types.Count > 1)
            {
                problem = "it carries more than one Content-Type, and backends differ on which one they read";
            }
            else if (EncodingOf(request.Headers.ContentEncoding) is { } encoding)
            {
                problem = $"it is compressed (Content-Encoding: {Denials.Show(encoding)}), and backends such as Express inflate it before reading its parameters";
            }
        }

        var shown = types.Count > 0 ? MediaTypeOf(types[0]) : default;
        return new BodyShape(kinds, shown.IsEmpty ? "no Content-Type" : Denials.Show(shown.ToString()), problem);
    }

    /// <summary>
    /// What one <c>Content-Type</c> value may make a backend read the body as, failing closed: a form
    /// when it holds <c>application/x-www-form-urlencoded</c> anywhere (classic ASP.NET, Symfony and
    /// Laravel take any type that starts with it, Rack strips trailing whitespace and control
    /// characters, Jetty removes a charset parameter wherever it stands, a list may be read from either
    /// end), multipart when it holds <c>multipart/</c>, JSON when it holds <c>json</c> (Laravel's
    /// <c>/json</c> and <c>+json</c>, Rails' <c>text/x-json</c>), ignoring case; a form too when it names
    /// no media type at all (empty, blank, or only parameters), as Rack reads it; otherwise other.
    /// </summary>
    private static BodyKinds KindsOf(ReadOnlySpan<char> value)
    {
        var kinds = BodyKinds.None;
        if (value.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            kinds |= BodyKinds.Form;
        }

        if (value.Contains("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            kinds |= BodyKinds.Multipart;
        }

        if (value.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            kinds |= BodyKinds.Json;
        }

        if (kinds != BodyKinds.None)
        {
            return kinds;
        }

        var rest = value;
        var type = NextToken(ref rest);
        return type.IsEmpty || type.Contains('=') ? BodyKinds.Form : BodyKinds.Other;
    }

    /// <summary>
    /// The media type to show for a <c>Content-Type</c> value: its first token that names a kind
    /// backends read parameters from, or else its first token.
    /// </summary>
    private static ReadOnlySpan<char> MediaTypeOf(string? value)
    {
        var rest = (value ?? string.Empty).AsSpan();
        ReadOnlySpan<char> first = default;
        for (var token = NextToken(ref rest); !token.IsEmpty; token = NextToken(ref rest))
        {
            if (first.IsEmpty)
            {
                first = token;
            }

            if (!token.Contains('=') && (KindsOf(token) & BodyKinds.Parameters) != 0)
            {
                return token;
            }
        }

        return first;
    }

    /// <summary>The next token of <paramref name="rest"/> (tokens end at <c>;</c>, <c>,</c>, whitespace and control characters), moving past it; empty at the end.</summary>
    private static ReadOnlySpan<char> NextToken(scoped ref ReadOnlySpan<char> rest)
    {
        var start = rest.IndexOfAnyExcept(Separators);
        if (start < 0)
        {
            rest = default;
            return default;
        }

        rest = rest[start..];
        var end = rest.IndexOfAny(Separators);
        var token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[end..];
        return token;
    }

    /// <summary>
    /// The first <c>charset</c> parameter of a <c>Content-Type</c> value that names a charset AuthProxy
    /// does not read, or null. Every one is checked, wherever it stands (a backend may take the last of
    /// two, or split parameters at <c>,</c>), in any case, with or without spaces around <c>=</c>,
    /// quoted or not, and the RFC 2231 form <c>charset*=UTF-16''</c>.
    /// </summary>
    private static string? UnreadableCharset(string? value)
    {
        var text = (value ?? string.Empty).AsSpan();
        var from = 0;
        while (from < text.Length)
        {
            var at = text[from..].IndexOf("charset", StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return null;
            }

            // Blanks are every control character and whitespace (Python's strip() and Java's trim() drop them);
            // '*' and digits are RFC 2231's extended and continued forms (charset*=, charset*0*=, charset*0=).
            var rest = TrimBlanks(text[(from + at + "charset".Length)..], "*0123456789");
            from += at + "charset".Length;
            if (!rest.StartsWith('='))
            {
                continue;
            }

            var charset = TrimBlanks(rest[1..], "\"'");
            var end = charset.IndexOfAny(CharsetEnds);
            charset = end < 0 ? charset : charset[..end];
            if (!charset.IsEmpty && !IsReadableCharset(charset))
            {
                return charset.ToString();
            }
        }

        return null;
    }

    /// <summary><paramref name="text"/> without leading blanks (control characters, whitespace) and <paramref name="more"/> characters.</summary>
    private static ReadOnlySpan<char> TrimBlanks(ReadOnlySpan<char> text, string more)
    {
        var i = 0;
        while (i < text.Length && (text[i] <= ' ' || text[i] == '\u007F' || char.IsWhiteSpace(text[i]) || more.Contains(text[i])))
        {
            i++;
        }

        return text[i..];
    }

    /// <summary>Charsets in which every ASCII character is its own byte, and that hold none of the characters the twin rules fold to ASCII.</summary>
    private static bool IsReadableCharset(ReadOnlySpan<char> charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase) || charset.Equals("ascii", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || charset.Equals("latin1", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("windows-1252", StringComparison.OrdinalIgnoreCase);

    /// <summary>A <c>Content-Encoding</c> other than <c>identity</c>, or null.</summary>
    private static string? EncodingOf(Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            foreach (var range in (value ?? string.Empty).AsSpan().Split(','))
            {
                var coding = (value ?? string.Empty).AsSpan()[range].Trim();
                if (!coding.IsEmpty && !coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return coding.ToString();
                }
            }
        }

        return null;
    }
}
