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
    /// <remarks>A forwarded identity encodes its values once (<see cref="Policy.ForwardedIdentity.UserHeader"/>), not every request.</remarks>
    public static string Encode(string value) => value.AsSpan().ContainsAnyExcept(HeaderSafe) ? Uri.EscapeDataString(value) : value;

    /// <summary>
    /// One value of a comma-separated list (an array claim in a header): as <see cref="Encode"/>,
    /// with a comma inside the value percent-encoded too, so the backend can split the list.
    /// </summary>
    public static string EncodeItem(string value) =>
        value.Contains(',', StringComparison.Ordinal) ? Uri.EscapeDataString(value) : Encode(value);
}
