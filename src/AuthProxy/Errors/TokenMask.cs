namespace AuthProxy.Errors;

/// <summary>
/// Masks credentials for messages and logs: the first 4 characters, <c>****</c>, the last 4, never
/// cutting a surrogate pair in two (half a pair becomes U+FFFD in an answer, and no store holds it).
/// </summary>
internal static class TokenMask
{
    /// <summary>Below this length even 8 characters would give away too much; only <c>****</c> is shown.</summary>
    private const int MinimumLengthToShowEnds = 16;

    public static string Mask(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
        {
            return string.Empty;
        }

        if (token.Length < MinimumLengthToShowEnds)
        {
            return "****";
        }

        return string.Concat(Head(token, 4), "****", Tail(token, 4));
    }

    /// <summary>The first <paramref name="count"/> characters, one more when the last of them would split a surrogate pair.</summary>
    public static ReadOnlySpan<char> Head(ReadOnlySpan<char> text, int count)
    {
        var end = Math.Min(count, text.Length);
        return end > 0 && end < text.Length && char.IsHighSurrogate(text[end - 1]) && char.IsLowSurrogate(text[end]) ? text[..(end + 1)] : text[..end];
    }

    /// <summary>The last <paramref name="count"/> characters, one more when the first of them would split a surrogate pair.</summary>
    public static ReadOnlySpan<char> Tail(ReadOnlySpan<char> text, int count)
    {
        var start = Math.Max(text.Length - count, 0);
        return start > 0 && char.IsLowSurrogate(text[start]) && char.IsHighSurrogate(text[start - 1]) ? text[(start - 1)..] : text[start..];
    }
}
