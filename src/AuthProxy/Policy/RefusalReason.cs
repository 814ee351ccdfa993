using AuthProxy.Errors;
using Microsoft.AspNetCore.Authorization;

namespace AuthProxy.Policy;

/// <summary>An authorization failure that carries its decided <see cref="Errors.Refusal"/>.</summary>
internal sealed class RefusalReason(IAuthorizationHandler handler, Refusal refusal)
    : AuthorizationFailureReason(handler, refusal.Message)
{
    public Refusal Refusal { get; } = refusal;
}
