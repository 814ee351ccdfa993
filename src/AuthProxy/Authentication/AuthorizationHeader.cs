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
        credential = string.Empty;
        var values = request.Headers.Authorization;
        if (values.Count == 0)
        {
            return HeaderRead.Absent;
        }

        if (values.Count > 1)
        {
            return HeaderRead.Ambiguous;
        }

        var value = values[0].AsSpan().Trim();
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return HeaderRead.Absent;
        }

        var rest = value[scheme.Length..];
        if (rest.Length > 0 && rest[0] != ' ')
        {
            return HeaderRead.Absent; // "BearerX ..." is another scheme
        }

        credential = rest.Trim().ToString();
        return HeaderRead.Found;
    }

    /// <summary>The scheme word of the request's <c>Authorization</c> header, or empty.</summary>
    public static string SchemeOf(StringValues values)
    {
        if (values.Count != 1)
        {
            return string.Empty;
        }

        var value = values[0].AsSpan().Trim();
        var space = value.IndexOf(' ');
        return (space < 0 ? value : value[..space]).ToString();
    }
}
