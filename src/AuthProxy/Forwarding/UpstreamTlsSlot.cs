using AuthProxy.Tls;

namespace AuthProxy.Forwarding;

/// <summary>
/// Where a connection opened for a forwarded request leaves the TLS failure it met, for that
/// request's error answer. The HTTP client tears a failed HTTP/2 connection down from two sides at
/// once, and which exception reaches the request is a race; this slot is not. It travels on the
/// outgoing request (<see cref="Key"/>, set by <see cref="UpstreamTlsSlotTransform"/>) to the
/// connection, and on the incoming request's features to <see cref="ProxyErrorMiddleware"/>.
/// </summary>
internal sealed class UpstreamTlsSlot
{
    public static readonly HttpRequestOptionsKey<UpstreamTlsSlot> Key = new("AuthProxy.UpstreamTls");

    private volatile TlsFailure? _failure;

    /// <summary>The failure met by a connection this request opened; null when none failed.</summary>
    public TlsFailure? Failure
    {
        get => _failure;
        set => _failure = value;
    }
}
