namespace AuthProxy.Storage;

/// <summary>
/// The changes committed after a sequence, and the newest sequence they reach. <see cref="Complete"/>
/// is false when some changes after the sequence asked for were purged already: the reader must
/// reload everything instead of applying the batch.
/// </summary>
internal sealed record ChangeBatch(IReadOnlyList<StoreChange> Changes, long Last, bool Complete);
