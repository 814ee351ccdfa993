using Yarp.ReverseProxy.Transforms;

namespace AuthProxy.Forwarding;

/// <summary>Gives each request forwarded to an https backend an <see cref="UpstreamTlsSlot"/>, on both the outgoing request and the incoming one.</summary>
internal sealed class UpstreamTlsSlotTransform : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var slot = new UpstreamTlsSlot();
        context.ProxyRequest.Options.Set(UpstreamTlsSlot.Key, slot);
        context.HttpContext.Features.Set(slot);
        return ValueTask.CompletedTask;
    }
}
