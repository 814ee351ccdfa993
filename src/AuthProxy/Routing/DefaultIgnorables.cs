namespace AuthProxy.Routing;

/// <summary>
/// Unicode's <c>Default_Ignorable_Code_Point</c> property: characters that render as nothing and
/// that many systems drop when they compare, normalise or display text (zero-width spaces and
/// joiners, variation selectors, Hangul fillers, tag characters). A segment of dots with some of
/// these between them is still a dot segment to a backend that drops them.
/// </summary>
/// <remarks>
/// An explicit table because .NET has no API for the property. It is DerivedCoreProperties.txt
/// of Unicode 14 and later (unchanged since), ranges in code point order.
/// </remarks>
internal static class DefaultIgnorables
{
    /// <summary>Whether <paramref name="codePoint"/> is a default-ignorable code point.</summary>
    public static bool Contains(int codePoint) => codePoint switch
    {
        0x00AD => true, // SOFT HYPHEN
        0x034F => true, // COMBINING GRAPHEME JOINER
        0x061C => true, // ARABIC LETTER MARK
        0x115F or 0x1160 => true, // HANGUL CHOSEONG FILLER, HANGUL JUNGSEONG FILLER
        0x17B4 or 0x17B5 => true, // KHMER VOWEL INHERENT AQ, AA
        >= 0x180B and <= 0x180F => true, // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
        >= 0x200B and <= 0x200F => true, // ZERO WIDTH SPACE .. RIGHT-TO-LEFT MARK
        >= 0x202A and <= 0x202E => true, // LEFT-TO-RIGHT EMBEDDING .. RIGHT-TO-LEFT OVERRIDE
        >= 0x2060 and <= 0x206F => true, // WORD JOINER .. NOMINAL DIGIT SHAPES
        0x3164 => true, // HANGUL FILLER
        >= 0xFE00 and <= 0xFE0F => true, // VARIATION SELECTOR-1 .. 16
        0xFEFF => true, // ZERO WIDTH NO-BREAK SPACE
        0xFFA0 => true, // HALFWIDTH HANGUL FILLER
        >= 0xFFF0 and <= 0xFFF8 => true, // reserved
        >= 0x1BCA0 and <= 0x1BCA3 => true, // SHORTHAND FORMAT LETTER OVERLAP .. UP STEP
        >= 0x1D173 and <= 0x1D17A => true, // MUSICAL SYMBOL BEGIN BEAM .. END PHRASE
        >= 0xE0000 and <= 0xE0FFF => true, // tags and VARIATION SELECTOR-17 .. 256
        _ => false,
    };
}
