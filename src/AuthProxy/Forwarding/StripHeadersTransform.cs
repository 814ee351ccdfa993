using System.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace AuthProxy.Forwarding;

/// <summary>
/// Removes the client's copies of the <see cref="StrippedHeaders"/> before any other transform
/// runs, so route transforms and YARP's <c>X-Forwarded-*</c> transforms start from a request that
/// holds none of them. Runs on every forwarded request: the common case (nothing to remove)
/// enumerates the headers without allocating.
/// </summary>
internal sealed class StripHeadersTransform(StrippedHeaders stripped) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var proxyRequest = context.ProxyRequest;
        Strip(proxyRequest.Headers);
        if (stripped.HasRouteEntries && proxyRequest.Content is { } content)
        {
            Strip(content.Headers);
        }

        // With header copying off, YARP's header transforms read the client's headers directly.
        if (!context.HeadersCopied)
        {
            StripIncoming(context.HttpContext.Request.Headers);
        }

        return ValueTask.CompletedTask;
    }

    private void Strip(HttpHeaders headers)
    {
        List<string>? found = null;
        foreach (var header in headers.NonValidated)
        {
            if (stripped.Matches(header.Key))
            {
                (found ??= []).Add(header.Key);
            }
        }

        if (found is not null)
        {
            foreach (var name in found)
            {
                headers.Remove(name);
            }
        }
    }

    private void StripIncoming(IHeaderDictionary headers)
    {
        List<string>? found = null;
        foreach (var name in headers.Keys)
        {
            if (stripped.Matches(name))
            {
                (found ??= []).Add(name);
            }
        }

        if (found is not null)
        {
            foreach (var name in found)
            {
                headers.Remove(name);
            }
        }
    }
}
