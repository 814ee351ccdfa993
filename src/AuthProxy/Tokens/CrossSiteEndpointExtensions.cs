namespace AuthProxy.Tokens;

/// <summary>Marks token service endpoints with <see cref="RefuseCrossSiteRequests"/>.</summary>
internal static class CrossSiteEndpointExtensions
{
    public static TBuilder RefuseCrossSite<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(RefuseCrossSiteRequests.Instance);
}
