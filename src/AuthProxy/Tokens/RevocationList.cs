using System.Collections.Concurrent;
using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>
/// Revoked and blocked tokens, served from memory on every request: an O(1) lookup by the token's
/// <see cref="RevocationKeys">revocation key</see>, nothing allocated. Revocations (by an
/// administrator) and block list entries (by the token's owner) are separate records: clearing a
/// block list never lifts a revocation. Loaded from the store at start-up and updated as soon as a
/// change is committed to the store.
/// </summary>
/// <remarks>
/// Not a <c>MemoryCache</c>: this is the whole set, not a cache of it. A cache may evict under
/// pressure or compaction, and an evicted revocation would let a revoked token back in; entries
/// leave only when their token can no longer be accepted (<see cref="TokenRevoker.KeepPastExpiry"/>).
/// </remarks>
internal sealed class RevocationList
{
    private volatile Entries _revoked = new();
    private volatile Entries _blocked = new();

    /// <summary>How many revocations and block list entries are in force.</summary>
    public int Count => _revoked.Count + _blocked.Count;

    /// <summary>
    /// Whether a token is revoked or blocked, or any token it was made with is:
    /// <paramref name="ownTokenId"/> is the <c>jti</c> of one of AuthProxy's own tokens (null for any
    /// other token), <paramref name="ancestors"/> the revocation keys of the tokens it was made with.
    /// </summary>
    public bool IsRevoked(ReadOnlySpan<char> token, string? ownTokenId, ReadOnlySpan<string> ancestors = default) =>
        IsRevoked(token, ownTokenId, ancestors, signingInput: null);

    /// <inheritdoc cref="IsRevoked(ReadOnlySpan{char}, string?, ReadOnlySpan{string})"/>
    /// <param name="signingInput">The token's <see cref="RevocationKeys.SigningInputHash"/>, when it is known already (a remembered token).</param>
    public bool IsRevoked(ReadOnlySpan<char> token, string? ownTokenId, ReadOnlySpan<string> ancestors, Func<TokenHash>? signingInput)
    {
        var revoked = _revoked;
        var blocked = _blocked;
        if (revoked.Count + blocked.Count == 0)
        {
            return false; // the common case: nothing revoked, no hash to compute
        }

        if (ownTokenId is not null)
        {
            if (revoked.HasTokenId(ownTokenId) || blocked.HasTokenId(ownTokenId))
            {
                return true;
            }
        }
        else if (revoked.HasHashes || blocked.HasHashes)
        {
            var hash = signingInput is null ? RevocationKeys.SigningInputHash(token) : signingInput();
            if (revoked.HasHash(hash) || blocked.HasHash(hash))
            {
                return true;
            }
        }

        foreach (var ancestor in ancestors)
        {
            if (revoked.HasKey(ancestor) || blocked.HasKey(ancestor))
            {
                return true; // the token it was made with is revoked: so is every token made with it
            }
        }

        if (revoked.HasLegacy || blocked.HasLegacy)
        {
            var legacy = TokenHash.Of(token);
            return revoked.HasLegacyHash(legacy) || blocked.HasLegacyHash(legacy);
        }

        return false;
    }

    public async Task LoadAsync(IAuthProxyStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var revoked in await store.ListRevocationsAsync(now, cancellationToken))
        {
            Revoke(revoked.Key, revoked.ExpiresAt);
        }

        foreach (var blocked in await store.ListBlockedTokensAsync(now, cancellationToken))
        {
            Block(blocked);
        }
    }

    /// <summary>
    /// Replaces everything with what the store holds now (an instance that fell behind a shared
    /// store's change log). Changes committed meanwhile are applied again from the log after it.
    /// </summary>
    public async Task ReloadAsync(IAuthProxyStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = new Entries();
        var blocked = new Entries();
        foreach (var entry in await store.ListRevocationsAsync(now, cancellationToken))
        {
            revoked.Add(entry.Key, entry.ExpiresAt ?? DateTimeOffset.MaxValue);
        }

        foreach (var entry in await store.ListBlockedTokensAsync(now, cancellationToken))
        {
            blocked.Add(entry.Key, entry.ExpiresAt);
        }

        _revoked = revoked;
        _blocked = blocked;
    }

    public void Revoke(string key, DateTimeOffset? expiresAt) => _revoked.Add(key, expiresAt ?? DateTimeOffset.MaxValue);

    public void Block(BlockedToken entry) => _blocked.Add(entry.Key, entry.ExpiresAt);

    public void Unblock(IEnumerable<BlockedToken> entries)
    {
        foreach (var entry in entries)
        {
            _blocked.Remove(entry.Key);
        }
    }

    /// <summary>Forgets entries whose token has expired anyway.</summary>
    public void Prune(DateTimeOffset now)
    {
        _revoked.Prune(now);
        _blocked.Prune(now);
    }

    /// <summary>One kind of entry, by key form: own tokens by <c>jti</c>, others by signing-input hash, legacy ones by whole-text hash.</summary>
    private sealed class Entries
    {
        private readonly ConcurrentDictionary<string, DateTimeOffset> _tokenIds = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<TokenHash, DateTimeOffset> _hashes = new();
        private readonly ConcurrentDictionary<TokenHash, DateTimeOffset> _legacy = new();
        private int _tokenIdCount;
        private int _hashCount;
        private int _legacyCount;

        // Counters, not ConcurrentDictionary.Count: that takes every lock, and this is read on every request.
        public int Count => Volatile.Read(ref _tokenIdCount) + Volatile.Read(ref _hashCount) + Volatile.Read(ref _legacyCount);

        public bool HasHashes => Volatile.Read(ref _hashCount) > 0;

        public bool HasLegacy => Volatile.Read(ref _legacyCount) > 0;

        public bool HasTokenId(string tokenId) => Volatile.Read(ref _tokenIdCount) > 0 && _tokenIds.ContainsKey(tokenId);

        public bool HasHash(TokenHash hash) => _hashes.ContainsKey(hash);

        /// <summary>Whether an entry has this revocation key (any form).</summary>
        public bool HasKey(string key)
        {
            if (key.StartsWith(IssuedToken.KeyPrefix, StringComparison.Ordinal))
            {
                return HasTokenId(key[IssuedToken.KeyPrefix.Length..]);
            }

            return Hash(key, RevocationKeys.SigningInputPrefix) is { } hash && HasHashes && _hashes.ContainsKey(hash);
        }

        public bool HasLegacyHash(TokenHash hash) => _legacy.ContainsKey(hash);

        public void Add(string key, DateTimeOffset expiresAt)
        {
            if (key.StartsWith(IssuedToken.KeyPrefix, StringComparison.Ordinal))
            {
                Add(_tokenIds, key[IssuedToken.KeyPrefix.Length..], expiresAt, ref _tokenIdCount);
            }
            else if (Hash(key, RevocationKeys.SigningInputPrefix) is { } hash)
            {
                Add(_hashes, hash, expiresAt, ref _hashCount);
            }
            else if (Hash(key, RevocationKeys.LegacyPrefix) is { } legacy)
            {
                Add(_legacy, legacy, expiresAt, ref _legacyCount);
            }
        }

        public void Remove(string key)
        {
            if (key.StartsWith(IssuedToken.KeyPrefix, StringComparison.Ordinal))
            {
                Remove(_tokenIds, key[IssuedToken.KeyPrefix.Length..], ref _tokenIdCount);
            }
            else if (Hash(key, RevocationKeys.SigningInputPrefix) is { } hash)
            {
                Remove(_hashes, hash, ref _hashCount);
            }
            else if (Hash(key, RevocationKeys.LegacyPrefix) is { } legacy)
            {
                Remove(_legacy, legacy, ref _legacyCount);
            }
        }

        public void Prune(DateTimeOffset now)
        {
            Prune(_tokenIds, now, ref _tokenIdCount);
            Prune(_hashes, now, ref _hashCount);
            Prune(_legacy, now, ref _legacyCount);
        }

        private static void Add<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> entries, TKey key, DateTimeOffset expiresAt, ref int count)
            where TKey : notnull
        {
            if (entries.TryAdd(key, expiresAt))
            {
                Interlocked.Increment(ref count);
            }
        }

        private static void Remove<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> entries, TKey key, ref int count)
            where TKey : notnull
        {
            if (entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref count);
            }
        }

        private static void Prune<TKey>(ConcurrentDictionary<TKey, DateTimeOffset> entries, DateTimeOffset now, ref int count)
            where TKey : notnull
        {
            foreach (var (key, expires) in entries)
            {
                if (expires <= now && entries.TryRemove(new KeyValuePair<TKey, DateTimeOffset>(key, expires)))
                {
                    Interlocked.Decrement(ref count);
                }
            }
        }

        private static TokenHash? Hash(string key, string prefix) =>
            key.StartsWith(prefix, StringComparison.Ordinal) && TokenHash.TryParse(key[prefix.Length..], out var hash) ? hash : null;
    }
}
