using AuthProxy.Errors;

namespace AuthProxy.Users;

/// <summary>A checked credential: the user, or why not.</summary>
internal readonly record struct CredentialResult(User? User, Refusal Refusal)
{
    public bool Succeeded => User is not null;
}
