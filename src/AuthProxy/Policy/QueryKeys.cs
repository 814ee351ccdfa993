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
    public static string? FindTwin(ReadOnlySpan<char> query, string name)
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
                var readByAspNet = first && firstIsAspNetKey;
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
    internal static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> key)
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

        if (key.IndexOf('\0') is var nul and >= 0)
        {
            key = key[..nul];
        }

        return key.Trim();
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

    private static char Fold(char c) => c is '.' or ' ' or '[' ? '_' : char.ToUpperInvariant(c);

    /// <summary>One form-decoding pass, as ASP.NET decodes query keys: '+' is a space, then percent-decoding.</summary>
    private static string DecodeOnce(string key) => Uri.UnescapeDataString(key.Replace('+', ' '));
}
