namespace AuthProxy.Storage;

/// <summary>The outcome of adding tokens to a block list capped at a limit.</summary>
internal readonly record struct BlockOutcome(bool Added, int Count, int Limit);
