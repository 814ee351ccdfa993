namespace AuthProxy.Routing;

/// <summary>
/// The path guard's rules. Each refusal names the rule that decided it (see
/// <see cref="PathProblem.RuleName"/>), so a client and a test can tell them apart.
/// </summary>
internal enum PathRule
{
    /// <summary><c>control-character</c>: a decoded control character (tab, CR, LF, DEL, C1).</summary>
    ControlCharacter,

    /// <summary><c>backslash</c>: a backslash, which Windows backends read as <c>/</c>.</summary>
    Backslash,

    /// <summary><c>encoded-slash</c>: <c>%2F</c> or <c>%5C</c>, unless <c>AuthProxy:AllowEncodedSlashes</c>.</summary>
    EncodedSlash,

    /// <summary><c>encoded-delimiter</c>: <c>%3F</c> or <c>%23</c>, unless <c>AuthProxy:AllowEncodedDelimiters</c>.</summary>
    EncodedDelimiter,

    /// <summary><c>double-encoding</c>: <c>%25</c> followed by two hex digits in the request target.</summary>
    DoubleEncoding,

    /// <summary><c>invalid-utf8</c>: escapes Kestrel could not decode as UTF-8 (overlong <c>%C0%AE</c>, stray bytes).</summary>
    InvalidUtf8,

    /// <summary><c>percent-u</c>: IIS's <c>%uXXXX</c> escape.</summary>
    PercentU,

    /// <summary><c>path-parameter</c>: <c>;</c>, unless <c>AuthProxy:AllowPathParameters</c>.</summary>
    PathParameter,

    /// <summary><c>empty-segment</c>: an empty segment, one of only whitespace and invisible characters, or one empty before its <c>;</c>.</summary>
    EmptySegment,

    /// <summary><c>dot-segment</c>: a segment made only of dots, whitespace and invisible (default-ignorable or format) characters, before any <c>;</c>.</summary>
    DotSegment,

    /// <summary><c>look-alike</c>: a character that Unicode compatibility normalisation or Windows best-fit conversion turns into path syntax.</summary>
    LookAlike,
}
