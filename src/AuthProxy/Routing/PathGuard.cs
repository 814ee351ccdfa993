using System.Buffers;
using System.Globalization;
using System.Text;
using AuthProxy.Errors;

namespace AuthProxy.Routing;

/// <summary>
/// Decides whether a request path could be read differently by the backend than by AuthProxy's
/// router: split at another place, resolved to another segment, or decoded into other characters.
/// Kestrel has already percent-decoded the path (all but <c>%2F</c>, and bytes that are not UTF-8)
/// and removed <c>.</c>/<c>..</c> segments; what is left must mean the same to every common backend.
/// </summary>
/// <param name="allowEncodedSlashes"><c>AuthProxy:AllowEncodedSlashes</c>.</param>
/// <param name="allowPathParameters"><c>AuthProxy:AllowPathParameters</c>.</param>
/// <param name="allowEncodedDelimiters"><c>AuthProxy:AllowEncodedDelimiters</c>.</param>
internal sealed class PathGuard(bool allowEncodedSlashes, bool allowPathParameters, bool allowEncodedDelimiters = false)
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    /// <summary>
    /// RFC 3986's unreserved characters, sub-delimiters, ':', '@' and '/' except ';': none of them is
    /// a character rule's concern, so a path of only these needs only its segments looked at.
    /// </summary>
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@/");

    /// <summary>Why the request is refused, or null when its path is unambiguous.</summary>
    /// <param name="rawTarget">The request target as the client sent it (path and query).</param>
    /// <param name="path">The decoded, normalised path (path base and path).</param>
    public PathProblem? Check(ReadOnlySpan<char> rawTarget, ReadOnlySpan<char> path)
    {
        // The common path, checked in a few vector steps: nothing was percent-encoded, no character
        // any rule refuses, and no segment that could be empty or made of dots.
        if (!path.ContainsAnyExcept(Plain) && !EscapedPath(rawTarget))
        {
            return path.Contains('.') || path.Contains("//", StringComparison.Ordinal) ? CheckSegments(path) : null;
        }

        return CheckEveryRule(rawTarget, path);
    }

    /// <summary>Every rule in turn, character by character: what <see cref="Check"/> decides when its vector steps do not.</summary>
    internal PathProblem? CheckEveryRule(ReadOnlySpan<char> rawTarget, ReadOnlySpan<char> path) =>
        CheckRaw(rawTarget) ?? CheckCharacters(path) ?? CheckSegments(path);

    /// <summary>Whether the path part of the raw target holds an escape: anything else it holds is in the decoded path as sent.</summary>
    private static bool EscapedPath(ReadOnlySpan<char> rawTarget) =>
        rawTarget.IndexOfAny('%', '?') is var at and >= 0 && rawTarget[at] == '%';

    /// <summary>
    /// Kestrel decodes <c>%25</c> to <c>%</c> but keeps <c>%2F</c>, so after decoding <c>%252F</c>
    /// and <c>%2F</c> look alike; only the raw target tells a double encoding apart.
    /// </summary>
    internal static PathProblem? CheckRaw(ReadOnlySpan<char> rawTarget)
    {
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        for (var i = 0; i + 4 < path.Length; i++)
        {
            if (path[i] == '%' && path[i + 1] == '2' && path[i + 2] == '5' && char.IsAsciiHexDigit(path[i + 3]) && char.IsAsciiHexDigit(path[i + 4]))
            {
                return new PathProblem(PathRule.DoubleEncoding,
                    "it is percent-encoded twice (%25 followed by hex digits), which a backend that decodes again would read as other characters");
            }
        }

        return null;
    }

    private PathProblem? CheckCharacters(ReadOnlySpan<char> path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsControl(c))
            {
                return new PathProblem(PathRule.ControlCharacter, "it contains a control character");
            }

            switch (c)
            {
                case '\\':
                    return new PathProblem(PathRule.Backslash, "it contains a backslash, which Windows backends read as '/'");
                case '?' or '#' when !allowEncodedDelimiters:
                    // Only an escape leaves them in the decoded path: a literal '?' starts the query, and '#' is never sent.
                    return new PathProblem(PathRule.EncodedDelimiter,
                        "it contains an encoded '?' or '#' (%3F, %23), which a backend or intermediary that decodes the path before splitting it "
                        + "reads as the start of the query or fragment (set AuthProxy:AllowEncodedDelimiters=true for backends that treat them as data)");
                case ';' when !allowPathParameters:
                    return new PathProblem(PathRule.PathParameter,
                        "it contains ';', which Tomcat, Jetty and Spring read as the start of a path parameter and remove "
                        + "(set AuthProxy:AllowPathParameters=true for backends that treat ';' as data)");
                case '%':
                    if (CheckEscape(path[i..]) is { } problem)
                    {
                        return problem;
                    }

                    break;
                case >= '\u0080':
                    var codePoint = char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1])
                        ? char.ConvertToUtf32(c, path[i + 1])
                        : c;
                    if (LookAlikes.PathSyntaxOf(codePoint) is { } form)
                    {
                        return new PathProblem(PathRule.LookAlike,
                            $"it contains U+{codePoint.ToString("X4", CultureInfo.InvariantCulture)}, which Unicode compatibility normalisation (NFKC) turns into '{form}'");
                    }

                    if (LookAlikes.BestFitOf(codePoint) is { } bestFit)
                    {
                        return new PathProblem(PathRule.LookAlike,
                            $"it contains U+{codePoint.ToString("X4", CultureInfo.InvariantCulture)}, which Windows best-fit conversion to {bestFit.CodePages} turns into '{bestFit.Form}'");
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>An escape left in the decoded path, at the start of <paramref name="rest"/>.</summary>
    private PathProblem? CheckEscape(ReadOnlySpan<char> rest)
    {
        if (rest.Length >= 6 && (rest[1] is 'u' or 'U') && IsHex(rest.Slice(2, 4)))
        {
            return new PathProblem(PathRule.PercentU, "it contains a %uXXXX escape, which IIS decodes into any character");
        }

        if (rest.Length < 3 || !IsHex(rest.Slice(1, 2)))
        {
            return null; // a literal '%', as in "100%"
        }

        var value = byte.Parse(rest.Slice(1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (value is 0x2F or 0x5C)
        {
            return allowEncodedSlashes
                ? null
                : new PathProblem(PathRule.EncodedSlash, "it contains an encoded slash or backslash (%2F, %5C), which a backend could decode into a separator");
        }

        // Kestrel decodes every ASCII escape, so one left over came from %25 (an encoded '%');
        // escapes of bytes >= 0x80 are left because they are not UTF-8 (overlong %C0%AE is '.' to lenient decoders).
        return value < 0x80
            ? new PathProblem(PathRule.DoubleEncoding, "it is percent-encoded twice, which a backend that decodes again would read as other characters")
            : new PathProblem(PathRule.InvalidUtf8,
                "it contains percent-encoded bytes that are not valid UTF-8 (such as the overlong %C0%AE), which lenient decoders read as '.' or '/'");
    }

    private PathProblem? CheckSegments(ReadOnlySpan<char> path)
    {
        var start = 0;
        var i = 0;
        while (i <= path.Length)
        {
            var separator = i == path.Length ? 0 : SeparatorAt(path, i);
            if (separator == 0 && i < path.Length)
            {
                i++;
                continue;
            }

            // The piece before the leading '/' and the piece after a trailing '/' are empty by nature.
            var first = start == 0;
            var last = i == path.Length;
            if (CheckSegment(path[start..i], mayBeEmpty: first || last) is { } problem)
            {
                return problem;
            }

            i += Math.Max(separator, 1);
            start = i;
        }

        return null;
    }

    /// <summary>The length of the separator at <paramref name="i"/>: '/' and, when allowed through, %2F and %5C (a backend may decode them).</summary>
    private int SeparatorAt(ReadOnlySpan<char> path, int i)
    {
        if (path[i] == '/')
        {
            return 1;
        }

        if (allowEncodedSlashes && path[i] == '%' && i + 2 < path.Length
            && ((path[i + 1] == '2' && (path[i + 2] | 0x20) == 'f') || (path[i + 1] == '5' && (path[i + 2] | 0x20) == 'c')))
        {
            return 3;
        }

        return 0;
    }

    private PathProblem? CheckSegment(ReadOnlySpan<char> segment, bool mayBeEmpty)
    {
        var name = segment;
        if (allowEncodedDelimiters && name.IndexOfAny('?', '#') is var delimiter and >= 0)
        {
            // A backend that decodes the path before splitting it resolves what stands before the delimiter.
            name = name[..delimiter];
            if (name.IsEmpty)
            {
                return null;
            }
        }

        var parameter = allowPathParameters ? name.IndexOf(';') : -1;
        if (parameter >= 0)
        {
            name = name[..parameter];
        }

        if (name.IsEmpty)
        {
            if (parameter >= 0)
            {
                return new PathProblem(PathRule.EmptySegment,
                    "it contains a segment that is empty before its ';' path parameter, which Tomcat, Jetty and Spring read as an empty segment");
            }

            return mayBeEmpty ? null : new PathProblem(PathRule.EmptySegment, "it contains an empty segment (//)");
        }

        var dots = false;
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.Value == '.')
            {
                dots = true;
            }
            else if (!IsInvisible(rune))
            {
                return null;
            }
        }

        var shown = Denials.Show(segment.ToString());
        if (!dots)
        {
            return new PathProblem(PathRule.EmptySegment,
                $"it contains a segment made only of whitespace and invisible characters ('{shown}'), which backends that trim or drop them read as empty");
        }

        return parameter >= 0
            ? new PathProblem(PathRule.DotSegment,
                $"it contains a segment made only of dots once its ';' path parameter is removed ('{shown}'), which Tomcat, Jetty and Spring then read as '.' or '..'")
            : new PathProblem(PathRule.DotSegment,
                $"it contains a segment made only of dots, whitespace and invisible characters ('{shown}'), which backends read as '.' or '..' "
                + "(Windows and IIS drop trailing dots and spaces; normalisers drop zero-width and other default-ignorable characters)");
    }

    /// <summary>
    /// Whitespace, a default-ignorable code point (zero-width space, variation selector, Hangul
    /// filler, ...) or a format character: nothing a reader sees, and something backends trim or drop.
    /// </summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.IsWhiteSpace(rune) || DefaultIgnorables.Contains(rune.Value) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format;

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(HexDigits);
}
