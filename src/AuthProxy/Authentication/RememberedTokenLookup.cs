namespace AuthProxy.Authentication;

/// <summary>
/// Marks a request whose token was already looked up among the verified tokens, with what was
/// found, so the Bearer handler decides with it instead of looking the token up again: each
/// request's token is looked up (and counted) once, whether it was missed, refused as revoked, or
/// found and then refused by the route's policy.
/// </summary>
internal sealed class RememberedTokenLookup
{
    /// <summary>Not found: the Bearer handler checks the token in full. One shared instance: it holds nothing.</summary>
    public static readonly RememberedTokenLookup Miss = new(null);

    public RememberedTokenLookup(TokenValidation? found)
    {
        Found = found;
    }

    /// <summary>What <see cref="TokenValidator.Remembered"/> answered; null when the token is not remembered.</summary>
    public TokenValidation? Found { get; }
}
