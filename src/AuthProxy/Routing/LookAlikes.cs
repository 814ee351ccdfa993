namespace AuthProxy.Routing;

/// <summary>
/// Characters that some backend reads as path or URL syntax: <c>.</c> <c>/</c> <c>\</c> <c>;</c>
/// <c>%</c> <c>?</c> <c>#</c>. Two conversions make them: Unicode compatibility normalisation
/// (NFKC; Java's <c>Normalizer</c>, Python's <c>unicodedata</c>, some IIS and WAF set-ups read
/// U+FF0E U+FF0E as <c>..</c> and U+FF0F as <c>/</c>), and Windows "best fit" conversion to an ANSI
/// code page (a backend that passes the path through <c>WideCharToMultiByte</c>, as the ANSI file
/// APIs and many CGI and C runtimes do, reads U+00A5 as <c>\</c> on Japanese Windows).
/// </summary>
/// <remarks>
/// Explicit tables because <see cref="string.Normalize()"/> does nothing at all under
/// <c>InvariantGlobalization</c>, which this project sets, and .NET carries no best-fit tables.
/// <see cref="PathSyntaxOf"/> is every code point, in the whole Unicode range, whose NFKC form
/// contains one of those characters (52 of them; ICU 72 and Python's unicodedata agree).
/// <see cref="BestFitOf"/> is every code point that a Windows best-fit table (Microsoft's
/// <c>bestfit*.txt</c> for code pages 874, 932, 936, 949, 950, 1250 to 1258 and 1361) maps to
/// <c>/</c> <c>\</c> <c>.</c> <c>;</c> or <c>%</c> and that NFKC does not already cover (7 of them).
/// The best-fit targets <c>?</c> and <c>#</c> are left out: <c>?</c> is also what those code pages
/// make of every character they cannot hold.
/// </remarks>
internal static class LookAlikes
{
    /// <summary>What NFKC turns <paramref name="codePoint"/> into, when that holds path syntax; otherwise null.</summary>
    public static string? PathSyntaxOf(int codePoint) => codePoint switch
    {
        0x037E => ";", // GREEK QUESTION MARK
        0x2024 => ".", // ONE DOT LEADER
        0x2025 => "..", // TWO DOT LEADER
        0x2026 => "...", // HORIZONTAL ELLIPSIS
        0x2047 => "??", // DOUBLE QUESTION MARK
        0x2048 => "?!", // QUESTION EXCLAMATION MARK
        0x2049 => "!?", // EXCLAMATION QUESTION MARK
        0x2100 => "a/c", // ACCOUNT OF
        0x2101 => "a/s", // ADDRESSED TO THE SUBJECT
        0x2105 => "c/o", // CARE OF
        0x2106 => "c/u", // CADA UNA
        >= 0x2488 and <= 0x249B => DigitFullStop(codePoint - 0x2487), // DIGIT ONE FULL STOP .. NUMBER TWENTY FULL STOP
        0x33C2 => "a.m.", // SQUARE AM
        0x33C7 => "Co.", // SQUARE CO
        0x33D8 => "p.m.", // SQUARE PM
        0xFE14 => ";", // PRESENTATION FORM FOR VERTICAL SEMICOLON
        0xFE16 => "?", // PRESENTATION FORM FOR VERTICAL QUESTION MARK
        0xFE19 => "...", // PRESENTATION FORM FOR VERTICAL HORIZONTAL ELLIPSIS
        0xFE30 => "..", // PRESENTATION FORM FOR VERTICAL TWO DOT LEADER
        0xFE52 => ".", // SMALL FULL STOP
        0xFE54 => ";", // SMALL SEMICOLON
        0xFE56 => "?", // SMALL QUESTION MARK
        0xFE5F => "#", // SMALL NUMBER SIGN
        0xFE68 => "\\", // SMALL REVERSE SOLIDUS
        0xFE6A => "%", // SMALL PERCENT SIGN
        0xFF03 => "#", // FULLWIDTH NUMBER SIGN
        0xFF05 => "%", // FULLWIDTH PERCENT SIGN
        0xFF0E => ".", // FULLWIDTH FULL STOP
        0xFF0F => "/", // FULLWIDTH SOLIDUS
        0xFF1B => ";", // FULLWIDTH SEMICOLON
        0xFF1F => "?", // FULLWIDTH QUESTION MARK
        0xFF3C => "\\", // FULLWIDTH REVERSE SOLIDUS
        0x1F100 => "0.", // DIGIT ZERO FULL STOP
        _ => null,
    };

    /// <summary>
    /// What Windows best-fit conversion to an ANSI code page turns <paramref name="codePoint"/> into,
    /// and in which code pages, when that is path syntax NFKC does not already make; otherwise null.
    /// </summary>
    public static (string Form, string CodePages)? BestFitOf(int codePoint) => codePoint switch
    {
        0x00A5 => ("\\", "code page 932 (Japanese)"), // YEN SIGN
        0x00B4 => ("/", "code page 1253 (Greek)"), // ACUTE ACCENT
        0x066A => ("%", "code pages 1250, 1252 and 1254"), // ARABIC PERCENT SIGN
        0x2044 => ("/", "code pages 1250, 1252 and 1254"), // FRACTION SLASH
        0x20A9 => ("\\", "code pages 949 and 1361 (Korean)"), // WON SIGN
        0x2215 => ("/", "code pages 1250, 1252 and 1254"), // DIVISION SLASH
        0x2216 => ("\\", "code pages 1250, 1252 and 1254"), // SET MINUS
        _ => null,
    };

    private static string DigitFullStop(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
}
