using AuthProxy.Authentication;

namespace AuthProxy.Policy;

/// <summary>
/// What the policy decided about an allowed request, for the forwarding step: who the caller
/// is, which graph was checked, and whether the client's <c>Authorization</c> header goes on.
/// </summary>
internal sealed class ForwardedIdentity(CallerIdentity caller, string? graph, AuthPolicyDefinition policy)
{
    public CallerIdentity Caller { get; } = caller;

    /// <summary>The graph the policy checked (or the token's scope); null when none.</summary>
    public string? Graph { get; } = graph;

    public AuthPolicyDefinition Policy { get; } = policy;

    /// <summary>The claims the policy's <c>ClaimHeaders</c> forwards, with their headers; empty when none.</summary>
    public ForwardedClaim[] Claims { get; init; } = [];

    /// <summary>
    /// The user's name as its header carries it (<see cref="Forwarding.IdentityHeaders.Encode"/>). Made
    /// once: a remembered caller's identity is forwarded again and again (<see cref="CallerIdentity.LastAllowed"/>).
    /// </summary>
    public string UserHeader => _userHeader ??= Forwarding.IdentityHeaders.Encode(Caller.User.Name);

    /// <summary><see cref="Graph"/> as its header carries it; null when none. Made once, as <see cref="UserHeader"/>.</summary>
    public string? GraphHeader => Graph is null ? null : _graphHeader ??= Forwarding.IdentityHeaders.Encode(Graph);

    private string? _userHeader;
    private string? _graphHeader;
}
