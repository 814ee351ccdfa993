using System.Collections.Concurrent;
using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>
/// Revoked and blocked tokens, served from memory on every request: a lookup by the token's hash,
/// O(1), nothing allocated. Loaded from the store at start-up and updated as soon as a revocation
/// or block list change is committed to the store.
/// </summary>
internal sealed class RevocationList
{
    private readonly ConcurrentDictionary<TokenHash, DateTimeOffset> _revoked = new();
    private readonly ConcurrentDictionary<TokenHash, Blocked> _blocked = new();
    private int _entries;

    /// <summary>How many revocations and block list entries are in force.</summary>
    public int Count => _revoked.Count + _blocked.Count;

    public bool IsRevoked(string token)
    {
        if (Volatile.Read(ref _entries) == 0)
        {
            return false; // the common case: nothing revoked, no hash to compute
        }

        var hash = TokenHash.Of(token);
        return _revoked.ContainsKey(hash) || _blocked.ContainsKey(hash);
    }

    public async Task LoadAsync(IAuthProxyStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var revoked in await store.ListRevocationsAsync(now, cancellationToken))
        {
            Revoke(revoked.TokenHash, revoked.ExpiresAt);
        }

        foreach (var blocked in await store.ListBlockedTokensAsync(now, cancellationToken))
        {
            Block(blocked);
        }
    }

    public void Revoke(string tokenHash, DateTimeOffset? expiresAt)
    {
        if (TokenHash.TryParse(tokenHash, out var hash) && _revoked.TryAdd(hash, expiresAt ?? DateTimeOffset.MaxValue))
        {
            Interlocked.Increment(ref _entries);
        }
    }

    public void Block(BlockedToken entry)
    {
        if (TokenHash.TryParse(entry.TokenHash, out var hash) && _blocked.TryAdd(hash, new Blocked(entry.User, entry.ExpiresAt)))
        {
            Interlocked.Increment(ref _entries);
        }
    }

    public void Unblock(IEnumerable<BlockedToken> entries)
    {
        foreach (var entry in entries)
        {
            if (TokenHash.TryParse(entry.TokenHash, out var hash) && _blocked.TryRemove(hash, out _))
            {
                Interlocked.Decrement(ref _entries);
            }
        }
    }

    /// <summary>Forgets entries whose token has expired anyway.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var (hash, expires) in _revoked)
        {
            if (expires <= now && _revoked.TryRemove(hash, out _))
            {
                Interlocked.Decrement(ref _entries);
            }
        }

        foreach (var (hash, blocked) in _blocked)
        {
            if (blocked.ExpiresAt <= now && _blocked.TryRemove(hash, out _))
            {
                Interlocked.Decrement(ref _entries);
            }
        }
    }

    private sealed record Blocked(string User, DateTimeOffset ExpiresAt);
}
