namespace AuthProxy.Tokens;

/// <summary>Marks an endpoint whose unsafe methods refuse cross-site requests.</summary>
internal sealed class RefuseCrossSiteRequests
{
    public static readonly RefuseCrossSiteRequests Instance = new();
}
