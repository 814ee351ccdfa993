using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace AuthProxy.Hosting;

/// <summary>
/// Request features read and set through the collection's indexer, keyed by the feature's type as a
/// constant. <see cref="IFeatureCollection.Get{TFeature}"/> and <see cref="IFeatureCollection.Set{TFeature}"/>
/// are generic virtual methods: for an interface or class type the runtime resolves each call and runs
/// the collection's shared generic code, where the indexer is one interface call. The answer is the
/// same: Kestrel's indexer, like its <c>Get</c>, falls back to the connection's features, and setting
/// through it counts as a change of the collection as <c>Set</c> does.
/// </summary>
internal static class RequestFeatures
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TFeature? Find<TFeature>(this IFeatureCollection features)
        where TFeature : class => features[typeof(TFeature)] as TFeature;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put<TFeature>(this IFeatureCollection features, TFeature? feature)
        where TFeature : class => features[typeof(TFeature)] = feature;
}
