using System.Diagnostics.CodeAnalysis;
using AuthProxy.Caching;
using AuthProxy.Keys;
using Microsoft.Extensions.Caching.Memory;

namespace AuthProxy.Authentication;

/// <summary>
/// Tokens that passed every check of <see cref="TokenValidator"/>, by their exact text, so a client
/// that reuses its token pays a look-up instead of a signature check. A <see cref="MemoryCache"/>
/// bounded to <see cref="MaxCharacters"/> of token text (each entry's size is its token's length plus
/// <see cref="EntryOverhead"/>, so large tokens cannot make it large), on the proxy's clock. An entry never outlives its token's
/// <c>exp</c> or <see cref="MaxAge"/>, and is trusted only while every key source of its issuer still
/// serves the very key sets it served before the signature was checked (a rotation, a refresh, a
/// removed key or keys past their grace send the token back through the full check). What can
/// change without the token changing is checked on every use by the validator: the user, and
/// revocation. A token is remembered at its second full check, not its first (a small lossy table
/// of the hashes of tokens checked once, as TinyLFU's doorkeeper), so clients that send a new token
/// every time pay no cache insertion, and cannot crowd the tokens in use out of it.
/// </summary>
internal sealed class VerifiedTokenCache : IDisposable
{
    /// <summary>Slots of the doorkeeper: the hash of the last token checked once that fell in each.</summary>
    private const int SeenSlots = 16_384;

    /// <summary>The most token text remembered, in characters (about 10,000 tokens of 800 characters); past it the cache compacts and new tokens are checked in full.</summary>
    public const long MaxCharacters = 8 * 1024 * 1024;

    /// <summary>What an entry costs beyond its token's text, in the same unit: the entry and what it holds.</summary>
    public const int EntryOverhead = 256;

    /// <summary>The longest a token is remembered, however long it lives.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;
    private readonly int[] _seen = new int[SeenSlots];

    public VerifiedTokenCache(TimeProvider time)
    {
        _time = time;
        _cache = BoundedCache.Create(time, MaxCharacters);
    }

    /// <summary>The key sets of <paramref name="issuer"/>'s sources, taken before its signature check.</summary>
    public static KeySet[] Snapshot(TrustedIssuer issuer)
    {
        var sources = issuer.Sources;
        var keys = new KeySet[sources.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = sources[i].Current;
        }

        return keys;
    }

    /// <summary>
    /// A remembered token whose issuer still serves the same keys; false sends it through the full
    /// check. Looked up by the text as it stands in the request's header: a hit costs no copy of it.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> token, [NotNullWhen(true)] out VerifiedTokenEntry? entry) =>
        _cache.TryGetValue(token, out entry) && entry is not null && entry.KeysUnchanged();

    /// <summary>Remembers a token that passed every check, until its expiry or <see cref="MaxAge"/>, if it passed once before.</summary>
    public void Add(string token, VerifiedTokenEntry entry)
    {
        // string hashes are randomised per process, so no one can aim tokens at one another's slots.
        var hash = token.GetHashCode(StringComparison.Ordinal);
        ref var slot = ref _seen[(uint)hash % SeenSlots];
        if (Volatile.Read(ref slot) != hash)
        {
            Volatile.Write(ref slot, hash); // its first check: remember only that it was seen
            return;
        }

        var now = _time.GetUtcNow();
        var until = now + MaxAge;
        if (entry.Expires is { } expires && expires < until)
        {
            until = expires;
        }

        if (until > now)
        {
            _cache.Set(token, entry, new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = token.Length + EntryOverhead });
        }
    }

    public void Dispose() => _cache.Dispose();
}
