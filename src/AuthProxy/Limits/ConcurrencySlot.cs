namespace AuthProxy.Limits;

/// <summary>A request counted in flight by a <see cref="ConcurrencyTable"/>; disposing it (once) ends the count, however the request ended.</summary>
internal readonly struct ConcurrencySlot(ConcurrencyTable? table, PartitionKey key) : IDisposable
{
    public void Dispose() => table?.Exit(key);
}
