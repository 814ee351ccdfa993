namespace AuthProxy.Hosting;

/// <summary>
/// Endpoint metadata: the endpoint is served on the management listener (when there is one), and
/// on the main listener too when <see cref="AlsoOnMain"/>. Endpoints without it (proxied routes,
/// token services) are served on the main listener only.
/// </summary>
internal sealed record ManagementEndpoint(bool AlsoOnMain)
{
    /// <summary>Served on both listeners (<c>/healthz</c>, <c>/readyz</c>).</summary>
    public static readonly ManagementEndpoint Both = new(AlsoOnMain: true);

    /// <summary>Served on the management listener only (<c>/metrics</c>).</summary>
    public static readonly ManagementEndpoint Only = new(AlsoOnMain: false);
}
