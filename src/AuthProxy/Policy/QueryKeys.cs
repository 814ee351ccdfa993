namespace AuthProxy.Policy;

/// <summary>
/// Query string keys as the backends behind AuthProxy may read them. ASP.NET reads a key
/// percent-decoded once and whole. Others read <c>graph[]</c>, <c>graph[0]</c> and
/// <c>graph[x]</c> as <c>graph</c> (PHP, Rack, Node's qs), stop at a NUL (C strings), trim
/// whitespace, map <c>.</c> and space to <c>_</c> (PHP), ignore case, decode twice, or also split
/// on <c>;</c> (older Python and Perl CGI). A key that any of them reads as a given name, but that
/// ASP.NET does not read as exactly that name, is a twin of it.
/// </summary>
internal static class QueryKeys
{
    private const int MaxDecodePasses = 4;

    /// <summary>
    /// The first key in <paramref name="query"/> (with or without its leading <c>?</c>) that is a
    /// twin of <paramref name="name"/>, as the client spelled it; null when there is none.
    /// </summary>
    public static string? FindTwin(ReadOnlySpan<char> query, string name) => Find(query, name, exactIsTwin: false);

    /// <summary>
    /// The first key in <paramref name="query"/> that reads as any of <paramref name="names"/>,
    /// the exact name included, as the client spelled it, and the name it reads as; null when none does.
    /// </summary>
    public static (string Key, string Name)? FindKey(ReadOnlySpan<char> query, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (Find(query, name, exactIsTwin: true) is { } key)
            {
                return (key, name);
            }
        }

        return null;
    }

    /// <summary>Whether a key (as sent, percent-encoded or not) reads as <paramref name="name"/> to some backend, the exact name included.</summary>
    public static bool ReadsAsName(ReadOnlySpan<char> rawKey, string name) => !rawKey.IsEmpty && ReadsAs(Normalize(rawKey), Normalize(name));

    /// <summary>
    /// For the first characters of a key too long to keep whole: whether the whole key could read as
    /// <paramref name="name"/>. True when the decoded start (cut at a NUL, leading whitespace
    /// removed) begins with the name in any spelling, and when it cannot be told (the start is too
    /// short, or an escape may have been cut off): fail closed.
    /// </summary>
    public static bool MayReadAsName(ReadOnlySpan<char> rawPrefix, string name)
    {
        var expected = Normalize(name);
        var decoded = Decode(rawPrefix, out var cut);
        if (cut)
        {
            return ReadsAs(decoded.Trim(), expected); // the key ends at the NUL, within what was kept
        }

        var start = decoded.TrimStart();
        if (start.Length <= expected.Length || start[..(expected.Length + 1)].ContainsAny('%', '+'))
        {
            return true;
        }

        return SameKey(start[..expected.Length], expected);
    }

    private static string? Find(ReadOnlySpan<char> query, string name, bool exactIsTwin)
    {
        if (query.StartsWith('?'))
        {
            query = query[1..];
        }

        var expected = Normalize(name);
        foreach (var range in query.Split('&'))
        {
            var part = query[range];
            var equals = part.IndexOf('=');
            var semicolon = part.IndexOf(';');

            // ASP.NET's key is everything before '='; a backend that also splits on ';' reads more keys.
            var firstIsAspNetKey = semicolon < 0 || (equals >= 0 && semicolon > equals);
            var first = true;
            foreach (var pieceRange in part.Split(';'))
            {
                var piece = part[pieceRange];
                var pieceEquals = piece.IndexOf('=');
                var key = pieceEquals < 0 ? piece : piece[..pieceEquals];
                var readByAspNet = first && firstIsAspNetKey && !exactIsTwin;
                first = false;
                if (key.IsEmpty || !ReadsAs(Normalize(key), expected) || (readByAspNet && IsExactly(key, name)))
                {
                    continue;
                }

                return key.ToString();
            }
        }

        return null;
    }

    /// <summary>Whether ASP.NET reads <paramref name="rawKey"/> as exactly <paramref name="name"/> (decoded once, ordinal).</summary>
    internal static bool IsExactly(ReadOnlySpan<char> rawKey, string name) =>
        rawKey.ContainsAny('%', '+') ? string.Equals(DecodeOnce(rawKey.ToString()), name, StringComparison.Ordinal) : rawKey.SequenceEqual(name);

    /// <summary>
    /// What a lenient backend makes of a key: decoded until stable, cut at NUL, trimmed.
    /// Allocates only for keys that hold an escape or '+'.
    /// </summary>
    internal static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> key) => Decode(key, out _).Trim();

    /// <summary>A key decoded until stable (at most <see cref="MaxDecodePasses"/> times) and cut at its first NUL, if any (<paramref name="cut"/>).</summary>
    private static ReadOnlySpan<char> Decode(ReadOnlySpan<char> key, out bool cut)
    {
        if (key.ContainsAny('%', '+'))
        {
            var decoded = key.ToString();
            for (var pass = 0; pass < MaxDecodePasses && decoded.AsSpan().ContainsAny('%', '+'); pass++)
            {
                var next = DecodeOnce(decoded);
                if (string.Equals(next, decoded, StringComparison.Ordinal))
                {
                    break;
                }

                decoded = next;
            }

            key = decoded;
        }

        var nul = key.IndexOf('\0');
        cut = nul >= 0;
        return cut ? key[..nul] : key;
    }

    /// <summary>
    /// Whether a normalised key reads as the normalised name: whole (PHP reads an unclosed '[' as
    /// '_'), or without its array suffix (<c>graph[]</c>, <c>graph[0]</c>, <c>graph[x]</c>).
    /// </summary>
    private static bool ReadsAs(ReadOnlySpan<char> key, ReadOnlySpan<char> name)
    {
        if (SameKey(key, name))
        {
            return true;
        }

        var bracket = key.IndexOf('[');
        return bracket >= 0 && SameKey(key[..bracket].TrimEnd(), name);
    }

    /// <summary>
    /// Whether a key of printable ASCII that no rule decodes, trims or cuts (no '%', '+', '[',
    /// whitespace or control character) reads as <paramref name="name"/>: compared as it is,
    /// ignoring case, with '.' read as '_'. Such a key is its own normal form.
    /// </summary>
    internal static bool SamePlainKey(ReadOnlySpan<byte> key, string name)
    {
        if (key.Length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (Fold((char)key[i]) != Fold(name[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Keys compared ignoring case, with PHP's '.', ' ' and '[' read as '_'.</summary>
    private static bool SameKey(ReadOnlySpan<char> key, ReadOnlySpan<char> expected)
    {
        if (key.Length != expected.Length)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (Fold(key[i]) != Fold(expected[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One character as lenient backends compare keys: PHP's '.', ' ' and '[' as '_', and case
    /// ignored the way Java's <c>equalsIgnoreCase</c> ignores it, which also reads the Kelvin sign
    /// as 'k', the long s as 's', and the dotted capital and dotless small i as 'i'.
    /// </summary>
    private static char Fold(char c) => c switch
    {
        '.' or ' ' or '[' => '_',
        '\u212A' => 'K', // KELVIN SIGN
        '\u017F' => 'S', // LATIN SMALL LETTER LONG S
        '\u0130' or '\u0131' => 'I', // LATIN CAPITAL LETTER I WITH DOT ABOVE, LATIN SMALL LETTER DOTLESS I
        _ => char.ToUpperInvariant(c),
    };

    /// <summary>One form-decoding pass, as ASP.NET decodes query keys: '+' is a space, then percent-decoding.</summary>
    private static string DecodeOnce(string key) => Uri.UnescapeDataString(key.Replace('+', ' '));
}
