namespace AuthProxy.Keys;

/// <summary>
/// Where one configured key value comes from (inline text, a file, a URL) and the keys it holds
/// now. Sources hand out immutable <see cref="KeySet"/>s and swap them whole.
/// </summary>
internal abstract class KeySource : IDisposable
{
    /// <summary>Names the source in logs and messages; never holds key material.</summary>
    public abstract string Description { get; }

    /// <summary>The keys in force; <see cref="KeySet.Empty"/> until the first successful load.</summary>
    public abstract KeySet Current { get; }

    /// <summary>Whether the source has loaded at least once.</summary>
    public abstract bool IsLoaded { get; }

    /// <summary>
    /// Whether the keys in force may still be used. False when a source that must refresh has
    /// been failing for longer than its grace period: tokens are then refused as
    /// <c>key-unavailable</c>.
    /// </summary>
    public virtual bool IsUsable => IsLoaded;

    /// <summary>
    /// Why the last refresh or reload failed (the last good keys stay in force), or null when it
    /// succeeded. Never holds key material.
    /// </summary>
    public virtual string? Problem => null;

    /// <summary>Loads the keys for the first time; returns the problems that stop start-up.</summary>
    public abstract Task<IReadOnlyList<string>> InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Asks the source for keys it does not have yet, because a token names an unknown
    /// <c>kid</c>. Returns true when the keys changed. Sources that cannot refresh return false.
    /// </summary>
    public virtual ValueTask<bool> RefreshForUnknownKidAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
