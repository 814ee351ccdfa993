using AuthProxy.Errors;

namespace AuthProxy.Authentication;

/// <summary>
/// Carries a decided <see cref="Errors.Refusal"/> out of an authentication handler inside
/// <c>AuthenticateResult.Fail</c>. Never thrown.
/// </summary>
internal sealed class AuthenticationRefusedException : Exception
{
    public AuthenticationRefusedException(Refusal refusal)
        : base(refusal.Message)
    {
        Refusal = refusal;
    }

    public AuthenticationRefusedException()
        : this(new Refusal(RefusalKind.Other, "Access Denied"))
    {
    }

    public AuthenticationRefusedException(string message)
        : this(new Refusal(RefusalKind.Other, message))
    {
    }

    public AuthenticationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Refusal = new Refusal(RefusalKind.Other, message);
    }

    public Refusal Refusal { get; }
}
