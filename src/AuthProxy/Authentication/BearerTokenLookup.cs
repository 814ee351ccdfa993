namespace AuthProxy.Authentication;

/// <summary>
/// Marks a request whose Bearer token was already decided by <see cref="TokenValidator"/>, with what
/// was decided, so the Bearer handler takes that instead of deciding again: each request's token is
/// looked up among the verified tokens (and counted) once and checked in full once, whether it was
/// remembered, checked and allowed, refused by the check, or refused by the route's policy. (A check
/// that threw sets nothing here: the scheme then checks again, and answers a second fault as a refusal.)
/// </summary>
internal sealed class BearerTokenLookup
{
    public BearerTokenLookup(TokenValidation validation)
    {
        Validation = validation;
    }

    /// <summary>
    /// What <see cref="TokenValidator.Remembered"/> answered for a remembered token, or
    /// <see cref="TokenValidator.ValidateAsync(string, TokenUse, CancellationToken)"/> for any other.
    /// </summary>
    public TokenValidation Validation { get; }
}
