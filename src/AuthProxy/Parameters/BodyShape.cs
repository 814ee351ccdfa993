using AuthProxy.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace AuthProxy.Parameters;

/// <summary>
/// A request body as a backend that reads parameters from bodies would see it: its kinds (more
/// than one when the request carries more than one <c>Content-Type</c>), its media type for
/// messages, and why AuthProxy cannot read it like that backend (<see cref="Problem"/>), if so.
/// </summary>
/// <param name="Kinds">What the body is; <see cref="BodyKinds.None"/> when the request has no body.</param>
/// <param name="MediaType">The (first) media type as sent, or "no Content-Type".</param>
/// <param name="Problem">Why a body of a parameter kind cannot be read as its backend reads it: compressed, in a charset AuthProxy does not read, or with more than one <c>Content-Type</c>; null when it can.</param>
internal readonly record struct BodyShape(BodyKinds Kinds, string MediaType, string? Problem)
{
    /// <summary>Whether backends may read parameters from the body.</summary>
    public bool MayCarryParameters => (Kinds & BodyKinds.Parameters) != 0;

    /// <summary>The shape of <paramref name="request"/>'s body. Allocates nothing for a request without a body.</summary>
    public static BodyShape Of(HttpRequest request)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);
        if (!canHaveBody)
        {
            return new BodyShape(BodyKinds.None, string.Empty, null);
        }

        var types = request.Headers.ContentType;
        var kinds = BodyKinds.None;
        string? problem = null;
        foreach (var value in types)
        {
            var kind = KindOf(MediaTypeOf(value));
            var charset = kind == BodyKinds.None ? null : CharsetOf(value);
            kinds |= kind;
            if (kind != BodyKinds.Other && charset is not null && !IsReadableCharset(charset))
            {
                problem ??= $"it declares charset {Denials.Show(charset)}, which AuthProxy does not read (only UTF-8, US-ASCII, ISO-8859-1 and windows-1252)";
            }
        }

        if (kinds == BodyKinds.None)
        {
            kinds = BodyKinds.Form; // no Content-Type (or only empty ones): Rack reads a POST body as a form
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

        var first = types.Count > 0 && !string.IsNullOrWhiteSpace(types[0]) ? MediaTypeOf(types[0]).ToString() : "no Content-Type";
        return new BodyShape(kinds, Denials.Show(first), problem);
    }

    /// <summary>
    /// The media type of a <c>Content-Type</c> value: up to the first <c>;</c>, <c>,</c> or
    /// whitespace, as PHP cuts it (Rack cuts at <c>;</c> and <c>,</c>), without surrounding whitespace.
    /// </summary>
    private static ReadOnlySpan<char> MediaTypeOf(string? value)
    {
        var text = (value ?? string.Empty).AsSpan().TrimStart();
        var end = text.IndexOfAny(";, \t");
        return end < 0 ? text : text[..end];
    }

    private static BodyKinds KindOf(ReadOnlySpan<char> mediaType)
    {
        if (mediaType.IsEmpty)
        {
            return BodyKinds.None;
        }

        if (mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKinds.Form;
        }

        if (mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKinds.Multipart;
        }

        return mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) ? BodyKinds.Json : BodyKinds.Other;
    }

    /// <summary>The <c>charset</c> parameter of a <c>Content-Type</c> value (quotes removed), or null.</summary>
    private static string? CharsetOf(string? value)
    {
        var text = (value ?? string.Empty).AsSpan();
        foreach (var range in text.Split(';'))
        {
            var parameter = text[range].Trim();
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(equals + 1)..].Trim().Trim('"').Trim().ToString();
            }
        }

        return null;
    }

    /// <summary>Charsets in which every ASCII character is its own byte, and that hold none of the characters the twin rules fold to ASCII.</summary>
    private static bool IsReadableCharset(string charset) =>
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
