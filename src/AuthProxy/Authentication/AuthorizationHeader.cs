using Microsoft.Extensions.Primitives;

namespace AuthProxy.Authentication;

/// <summary>Reads the <c>Authorization</c> header the way every scheme here needs it.</summary>
internal static class AuthorizationHeader
{
    /// <summary>
    /// The credential after <paramref name="scheme"/> (case-insensitive), trimmed. Returns
    /// <see cref="HeaderRead.Absent"/> when the header is missing or names another scheme, and
    /// <see cref="HeaderRead.Ambiguous"/> when the request carries more than one header.
    /// </summary>
    public static HeaderRead TryRead(HttpRequest request, string scheme, out string credential)
    {
        var read = TryReadInPlace(request, scheme, out var span);
        credential = span.IsEmpty ? string.Empty : span.ToString();
        return read;
    }

    /// <inheritdoc cref="TryRead(HttpRequest, string, out string)"/>
    /// <remarks>The credential as it stands in the header: no copy is made.</remarks>
    public static HeaderRead TryReadInPlace(HttpRequest request, string scheme, out ReadOnlySpan<char> credential) =>
        TryReadInPlace(request, scheme, out _, out credential);

    /// <inheritdoc cref="TryReadInPlace(HttpRequest, string, out ReadOnlySpan{char})"/>
    /// <param name="header">The header's whole value, the string <paramref name="credential"/> stands in; null when absent or repeated.</param>
    public static HeaderRead TryReadInPlace(HttpRequest request, string scheme, out string? header, out ReadOnlySpan<char> credential)
    {
        credential = default;
        header = null;
        var values = request.Headers.Authorization;
        if (values.Count == 0)
        {
            return HeaderRead.Absent;
        }

        if (values.Count > 1)
        {
            return HeaderRead.Ambiguous;
        }

        header = values[0];
        var value = header.AsSpan().Trim();
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return HeaderRead.Absent;
        }

        var rest = value[scheme.Length..];
        if (rest.Length > 0 && rest[0] != ' ')
        {
            return HeaderRead.Absent; // "BearerX ..." is another scheme
        }

        credential = rest.Trim();
        return HeaderRead.Found;
    }

    /// <summary>The scheme word of the request's <c>Authorization</c> header, or empty.</summary>
    /// <remarks>
    /// Only a word that can be a scheme is returned: letters, digits and <c>-._~+</c>, at most
    /// <see cref="MaxSchemeLength"/> of them, followed by a space. Anything else (no separator, a
    /// colon or a tab in its place, no scheme at all) may be the credential itself, and is never
    /// echoed: the answer is empty.
    /// </remarks>
    public static string SchemeOf(StringValues values)
    {
        if (values.Count != 1)
        {
            return string.Empty;
        }

        var value = values[0].AsSpan().TrimStart();
        var space = value.IndexOf(' ');
        if (space <= 0 || space > MaxSchemeLength || value[..space].ContainsAnyExcept(SchemeCharacters))
        {
            return string.Empty;
        }

        return value[..space].ToString();
    }

    /// <summary>The longest word shown as a scheme; real ones (Basic, Bearer, Negotiate, DPoP) are far shorter.</summary>
    public const int MaxSchemeLength = 20;

    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+");
}
