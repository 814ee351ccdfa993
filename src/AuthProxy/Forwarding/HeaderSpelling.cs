using System.Runtime.CompilerServices;

namespace AuthProxy.Forwarding;

/// <summary>
/// Header names as backends match them: ignoring case, and with <c>_</c>, <c>.</c> and <c>-</c>
/// alike. CGI, PHP, Python WSGI, Ruby Rack and nginx's <c>$http_</c> variables all read
/// <c>X_Forwarded_User</c> as <c>X-Forwarded-User</c>, and Apache's CGI environment (older
/// versions, and set-ups that still convert every other character) maps <c>.</c> to <c>_</c> too,
/// so <c>X.Forwarded.User</c> arrives as <c>HTTP_X_FORWARDED_USER</c>.
/// </summary>
internal static class HeaderSpelling
{
    /// <summary>Whether <paramref name="name"/> is <paramref name="header"/> in any spelling.</summary>
    public static bool Same(ReadOnlySpan<char> name, ReadOnlySpan<char> header)
    {
        if (name.Length != header.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (Fold(name[i]) != Fold(header[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="name"/> starts with <paramref name="prefix"/> in any spelling.</summary>
    public static bool StartsWith(ReadOnlySpan<char> name, ReadOnlySpan<char> prefix) =>
        name.Length >= prefix.Length && Same(name[..prefix.Length], prefix);

    /// <summary>One character as <see cref="Same"/> compares it: <c>_</c> and <c>.</c> as <c>-</c>, ASCII letters in lower case.</summary>
    /// <remarks>Runs for every character of every request header's name, so it is inlined.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static char Fold(char c) => (uint)(c - 'A') <= 'Z' - 'A' ? (char)(c | 0x20) : c is '_' or '.' ? '-' : c;
}
