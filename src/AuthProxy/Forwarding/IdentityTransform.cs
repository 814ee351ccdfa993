using AuthProxy.Policy;
using Yarp.ReverseProxy.Transforms;

namespace AuthProxy.Forwarding;

/// <summary>
/// Before forwarding: removes the client's <c>Authorization</c>, then adds the identity the policy
/// established. Runs on every route, anonymous ones included; the client's own identity headers
/// and <c>Proxy-Authorization</c> in every spelling are already gone (<see cref="StripHeadersTransform"/>).
/// </summary>
internal sealed class IdentityTransform(bool enableAuth) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        // With authentication off AuthProxy is transparent: the backend sees the client's credentials.
        if (!enableAuth)
        {
            return ValueTask.CompletedTask;
        }

        var outgoing = context.ProxyRequest.Headers;
        var identity = RequestDecision.Of(context.HttpContext)?.Allowed;
        if (identity is null || !identity.Policy.ForwardAuthorization)
        {
            // From the forwarded copy only: cleared in the client's request, the header would cost
            // the connection's next request a new string, where Kestrel reuses the last one when
            // the same token comes again.
            outgoing.Authorization = null; // removed by its known descriptor, without looking the name up
        }

        if (identity is not null)
        {
            outgoing.TryAddWithoutValidation(IdentityHeaders.User, identity.UserHeader);
            outgoing.TryAddWithoutValidation(IdentityHeaders.Scheme, identity.Caller.Scheme);
            if (identity.GraphHeader is { } graph)
            {
                outgoing.TryAddWithoutValidation(IdentityHeaders.Graph, graph);
            }

            foreach (var claim in identity.Claims)
            {
                outgoing.TryAddWithoutValidation(claim.Header, claim.Value);
            }
        }

        return ValueTask.CompletedTask;
    }
}
