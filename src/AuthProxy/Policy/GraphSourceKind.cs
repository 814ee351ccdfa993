namespace AuthProxy.Policy;

/// <summary>The kind of a <see cref="GraphSource"/>.</summary>
internal enum GraphSourceKind
{
    Route,
    Query,
    Header,
}
