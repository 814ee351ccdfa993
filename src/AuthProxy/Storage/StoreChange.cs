namespace AuthProxy.Storage;

/// <summary>
/// One entry of the store's change log: what a committed write changed, in commit order
/// (<see cref="Sequence"/>; one write may make several entries with the same sequence). Every
/// instance applies the log to what it holds in memory, so a write on one holds on all.
/// </summary>
internal sealed record StoreChange(long Sequence, StoreChangeKind Kind, string Key, string? User, DateTimeOffset? ExpiresAt, DateTimeOffset? CommittedAt = null);
