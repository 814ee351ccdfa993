namespace AuthProxy.Storage;

/// <summary>
/// A request asked the store to keep or look up text no store here can hold: a NUL character
/// (PostgreSQL's text refuses it) or a lone surrogate (no UTF-8 encoding exists for it). Nothing
/// was written. It is the client's text, so the answer is <c>400 invalid-request</c>, for every
/// store engine alike; see <see cref="StoreText"/>.
/// </summary>
internal sealed class StoreTextException : Exception
{
    public StoreTextException()
        : base(StoreText.Refused)
    {
    }

    public StoreTextException(string message)
        : base(message)
    {
    }

    public StoreTextException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
