using AuthProxy.Configuration;
using AuthProxy.Parameters;
using AuthProxy.Routing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AuthProxy.Forwarding;

/// <summary>
/// AuthProxy's transforms on every route: first <see cref="StripHeadersTransform"/> (before the
/// route's own transforms), last <see cref="IdentityTransform"/> (after YARP's Host and
/// X-Forwarded-* defaults, which are added here for that), and on routes to https backends
/// <see cref="UpstreamTlsSlotTransform"/>. Also validates the route
/// metadata AuthProxy reads (<see cref="StrippedHeaders.MetadataKey"/>,
/// <see cref="RefusedParameters.MetadataKey"/>), so a bad entry is a routes-file problem like any YARP error.
/// </summary>
internal sealed class ForwardingTransformProvider(IOptions<EnforcementOptions> enforcement) : ITransformProvider
{
    /// <summary>The route metadata keys AuthProxy knows; any other <c>AuthProxy.</c> key is a typo.</summary>
    private static readonly string[] KnownMetadataKeys = [StrippedHeaders.MetadataKey, RefusedParameters.MetadataKey, RoutesSnapshot.RevisionMetadataKey];

    private readonly bool _enableAuth = enforcement.Value.EnableAuth;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
        foreach (var key in context.Route.Metadata?.Keys ?? [])
        {
            if (key.StartsWith("AuthProxy.", StringComparison.OrdinalIgnoreCase)
                && !KnownMetadataKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                context.Errors.Add(new ArgumentException(
                    $"Metadata {key}: unknown AuthProxy setting (route metadata AuthProxy reads: {StrippedHeaders.MetadataKey}, {RefusedParameters.MetadataKey})"));
            }
        }

        if (StrippedHeaders.ReadMetadata(context.Route.Metadata) is { } value)
        {
            foreach (var problem in StrippedHeaders.Validate(value))
            {
                context.Errors.Add(new ArgumentException(problem));
            }
        }

        if (RefusedParameters.ReadMetadata(context.Route.Metadata) is { } parameters)
        {
            foreach (var problem in RefusedParameters.Validate(parameters))
            {
                context.Errors.Add(new ArgumentException(problem));
            }
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.RequestTransforms.Insert(0, new StripHeadersTransform(StrippedHeaders.ForRoute(context.Route?.Metadata)));

        // YARP adds its defaults (the Host rule and X-Forwarded-*) after every provider's transforms,
        // which would put them after the identity's. Added here, as YARP would add them, they run
        // first: each of them looks its header up by name (a remove, then an add), and those look-ups
        // then never walk past the identity headers, added last.
        if (!context.RequestTransforms.Any(t => t is RequestHeaderOriginalHostTransform))
        {
            context.AddOriginalHost(useOriginal: false);
        }

        if (context.UseDefaultForwarders.GetValueOrDefault(true))
        {
            context.AddXForwarded();
        }

        context.RequestTransforms.Add(new IdentityTransform(_enableAuth));
        if (context.Cluster?.Destinations?.Values.Any(d => d.Address.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) == true)
        {
            context.RequestTransforms.Add(new UpstreamTlsSlotTransform());
        }
    }
}
