namespace AuthProxy.Errors;

/// <summary>Masks credentials for messages and logs: the first 4 characters, <c>****</c>, the last 4.</summary>
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

        return string.Concat(token[..4], "****", token[^4..]);
    }
}
