using System.Buffers;

namespace AuthProxy.Forwarding;

/// <summary>
/// The headers AuthProxy owns: it sets them for the backend and removes any the client sent,
/// whatever their case or <c>_</c>/<c>-</c> spelling (many servers read <c>X_AuthProxy_User</c>
/// as <c>X-AuthProxy-User</c>).
/// </summary>
internal static class IdentityHeaders
{
    /// <summary>Every header AuthProxy owns starts with this.</summary>
    public const string Prefix = "X-AuthProxy-";

    /// <summary>The authenticated user name.</summary>
    public const string User = "X-AuthProxy-User";

    /// <summary>The graph the policy checked, or the token's graph scope; absent when neither.</summary>
    public const string Graph = "X-AuthProxy-Graph";

    /// <summary>How the caller authenticated: <c>Bearer</c> or <c>Basic</c>.</summary>
    public const string Scheme = "X-AuthProxy-Auth-Scheme";

    private static readonly SearchValues<char> HeaderSafe = SearchValues.Create(
        " !#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>
    /// DataHub's actor header: a DataHub backend trusts it to name the caller, so a client must
    /// never be able to send it through AuthProxy.
    /// </summary>
    public const string DataHubActor = "X-DataHub-Actor";

    /// <summary>Whether a client header name is one of AuthProxy's (or another identity header it guards), in any spelling.</summary>
    public static bool IsOwned(ReadOnlySpan<char> name) =>
        (name.Length >= Prefix.Length && SameName(name[..Prefix.Length], Prefix)) || SameName(name, DataHubActor);

    /// <summary>Header names compared ignoring case and treating '_' as '-'.</summary>
    private static bool SameName(ReadOnlySpan<char> name, string header)
    {
        if (name.Length != header.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i] == '_' ? '-' : char.ToLowerInvariant(name[i]);
            if (c != char.ToLowerInvariant(header[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A value safe in a header: printable ASCII is kept as is; anything else (non-ASCII names,
    /// control characters) is percent-encoded as UTF-8, so the backend never sees a raw CR or LF.
    /// </summary>
    public static string Encode(string value) =>
        value.AsSpan().ContainsAnyExcept(HeaderSafe) || value.Contains('%', StringComparison.Ordinal) ? Uri.EscapeDataString(value) : value;
}
