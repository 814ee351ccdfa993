namespace AuthProxy.Storage;

/// <summary>
/// Text the stores can hold: every engine keeps exactly the same strings, so a value one engine
/// would refuse (PostgreSQL: U+0000; both: a lone surrogate, which has no UTF-8 encoding) is
/// refused before any engine sees it, whichever engine is in use.
/// </summary>
internal static class StoreText
{
    /// <summary>The answer's message when a request carries such text.</summary>
    public const string Refused = "The request holds text that AuthProxy neither stores nor looks up: a NUL character or a lone surrogate";

    /// <summary>True when <paramref name="text"/> holds no U+0000 and no lone surrogate.</summary>
    public static bool CanHold(ReadOnlySpan<char> text)
    {
        if (text.Contains('\0'))
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="StoreTextException"/> unless every string in <paramref name="values"/> can be held.</summary>
    public static void Ensure(IEnumerable<object?> values)
    {
        foreach (var value in values)
        {
            var fits = value switch
            {
                string text => CanHold(text),
                string[] texts => texts.All(t => CanHold(t)),
                _ => true,
            };
            if (!fits)
            {
                throw new StoreTextException();
            }
        }
    }
}
