using System.Collections.Immutable;

namespace AuthProxy.Routing;

/// <summary>The route metadata AuthProxy reads (YARP's <c>Metadata</c> of a route in the routes file).</summary>
internal static class RouteMetadata
{
    /// <summary>The value of <paramref name="key"/> (the key in any case), or null.</summary>
    public static string? Read(IReadOnlyDictionary<string, string>? metadata, string key)
    {
        foreach (var (name, value) in metadata ?? ImmutableDictionary<string, string>.Empty)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
