using Microsoft.AspNetCore.Authorization;

namespace AuthProxy.Policy;

/// <summary>The graph scope and privileges an <see cref="AuthPolicyDefinition"/> demands.</summary>
internal sealed class AuthPolicyRequirement(AuthPolicyDefinition definition) : IAuthorizationRequirement
{
    public AuthPolicyDefinition Definition { get; } = definition;

    /// <summary>The definition behind an ASP.NET Core policy built by AuthProxy, if it is one.</summary>
    public static AuthPolicyDefinition? Find(AuthorizationPolicy policy)
    {
        foreach (var requirement in policy.Requirements)
        {
            if (requirement is AuthPolicyRequirement own)
            {
                return own.Definition;
            }
        }

        return null;
    }
}
