namespace AuthProxy.Storage;

/// <summary>
/// The store cannot be reached or did not answer in time: nothing was written. Token services
/// answer it with <c>503 store-unavailable</c>; decisions on tokens go on from memory.
/// </summary>
internal sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
