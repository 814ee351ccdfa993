using AuthProxy.Errors;
using AuthProxy.Policy;
using Microsoft.AspNetCore.Authentication;

namespace AuthProxy.Authentication;

/// <summary>
/// Authenticates a request with a policy's schemes and says why not, the way the authorization
/// middleware does; for endpoints that decide themselves whether a credential is needed.
/// </summary>
internal static class CallerAuthentication
{
    public static async Task<(CallerIdentity? Caller, Refusal Refusal)> AuthenticateAsync(HttpContext context, AuthPolicyDefinition policy)
    {
        foreach (var scheme in policy.Schemes)
        {
            var result = await context.AuthenticateAsync(scheme);
            if (result.Succeeded && CallerIdentity.From(result.Principal) is { } caller)
            {
                return (caller, default);
            }
        }

        return (null, await FailureAsync(context, policy.Schemes));
    }

    /// <summary>
    /// The refusal a scheme handler decided (handlers cache their result per request, so asking
    /// again costs nothing); with none, no credential at all or one in a scheme not accepted.
    /// </summary>
    public static async Task<Refusal> FailureAsync(HttpContext context, IEnumerable<string> schemes)
    {
        foreach (var scheme in schemes)
        {
            var result = await context.AuthenticateAsync(scheme);
            if (result.Failure is AuthenticationRefusedException refused)
            {
                return refused.Refusal;
            }
        }

        var header = context.Request.Headers.Authorization;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
        {
            return Denials.Missing;
        }

        var named = AuthorizationHeader.SchemeOf(header);
        return Denials.Because(RefusalKind.Format, named.Length == 0
            ? $"the Authorization header names no scheme this route accepts (accepted: {string.Join(", ", schemes)})"
            : $"the Authorization header uses scheme {Denials.Show(named)}, which this route does not accept (accepted: {string.Join(", ", schemes)})");
    }
}
