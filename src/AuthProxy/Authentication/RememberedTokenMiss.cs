namespace AuthProxy.Authentication;

/// <summary>
/// Marks a request whose token was looked up among the verified tokens and not found, so the
/// Bearer handler checks it in full without looking it up again. One shared instance: it holds nothing.
/// </summary>
internal sealed class RememberedTokenMiss
{
    public static readonly RememberedTokenMiss Instance = new();

    private RememberedTokenMiss()
    {
    }
}
