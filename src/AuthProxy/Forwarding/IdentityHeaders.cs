using System.Buffers;

namespace AuthProxy.Forwarding;

/// <summary>
/// The headers AuthProxy owns: it sets them for the backend, and any the client sent are removed
/// in every spelling (<see cref="StrippedHeaders"/>).
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

    /// <summary>
    /// A value safe in a header: printable ASCII is kept as is; anything else (non-ASCII names,
    /// control characters) is percent-encoded as UTF-8, so the backend never sees a raw CR or LF.
    /// </summary>
    /// <remarks>
    /// Runs for the user and the graph of each forwarded identity made (a remembered caller's is
    /// made once), and both are short: a plain loop over the characters answers before a
    /// vectorised search has set itself up.
    /// </remarks>
    public static string Encode(string value) => IsHeaderSafe(value) ? value : Uri.EscapeDataString(value);

    /// <summary>Whether every character of <paramref name="value"/> is in <see cref="HeaderSafe"/> (printable ASCII but <c>"</c>, <c>%</c> and <c>\</c>).</summary>
    private static bool IsHeaderSafe(string value)
    {
        if (value.Length > 64)
        {
            return !value.AsSpan().ContainsAnyExcept(HeaderSafe);
        }

        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '%' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// One value of a comma-separated list (an array claim in a header): as <see cref="Encode"/>,
    /// with a comma inside the value percent-encoded too, so the backend can split the list.
    /// </summary>
    public static string EncodeItem(string value) =>
        value.Contains(',', StringComparison.Ordinal) ? Uri.EscapeDataString(value) : Encode(value);
}
