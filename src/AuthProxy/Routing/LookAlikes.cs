namespace AuthProxy.Routing;

/// <summary>
/// Characters whose Unicode compatibility form (NFKC) holds path or URL syntax: <c>.</c> <c>/</c>
/// <c>\</c> <c>;</c> <c>%</c> <c>?</c> <c>#</c>. A backend that normalises its path (Java's
/// <c>Normalizer</c>, Python's <c>unicodedata</c>, some IIS and WAF set-ups) would read U+FF0E U+FF0E
/// as <c>..</c> and U+FF0F as <c>/</c>.
/// </summary>
/// <remarks>
/// An explicit table because <see cref="string.Normalize()"/> does nothing at all under
/// <c>InvariantGlobalization</c>, which this project sets. The table is every code point, in
/// the whole Unicode range, whose NFKC form contains one of those characters (52 of them; ICU 72
/// and Python's unicodedata agree).
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

    private static string DigitFullStop(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
}
