using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using AuthProxy.Caching;
using AuthProxy.Keys;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthProxy.Authentication;

/// <summary>
/// Tokens that passed every check of <see cref="TokenValidator"/>, by their exact text, so a client
/// that reuses its token pays a look-up instead of a signature check. A <see cref="MemoryCache"/>
/// bounded to <see cref="LimitsOptions.VerifiedTokenCharacters"/> of token text and <see cref="LimitsOptions.VerifiedTokens"/> entries (each entry's size is its token's length plus
/// <see cref="EntryOverhead"/>, so large tokens cannot make it large), on the proxy's clock. An entry never outlives its token's
/// <c>exp</c> or <see cref="MaxAge"/>, and is trusted only while every key source of its issuer still
/// serves the very key sets it served before the signature was checked (a rotation, a refresh, a
/// removed key or keys past their grace send the token back through the full check). What can
/// change without the token changing is checked on every use by the validator: the user, and
/// revocation. A token is remembered at its second full check, not its first (a small lossy table
/// of the hashes of tokens checked once, as TinyLFU's doorkeeper), so clients that send a new token
/// every time pay no cache insertion, and cannot crowd the tokens in use out of it.
/// </summary>
/// <remarks>
/// A client on a kept-alive connection sends the same <c>Authorization</c> header again and again,
/// and Kestrel hands the request the very string it made for the last one when the bytes are the
/// same. So each entry found by its text is also noted against that header string (a
/// <see cref="ConditionalWeakTable{TKey, TValue}"/>: a note lives as long as its string), and the
/// connection's next request finds it by reference, without hashing or comparing the token's text. The same string
/// is the same text, so it is the same token; the entry is then trusted only as a cache hit is (its
/// <see cref="VerifiedTokenEntry.RememberedUntil"/> and keys here, the rest by the validator), and a
/// note lives only as long as its connection keeps the header.
/// </remarks>
internal sealed class VerifiedTokenCache : IDisposable
{
    /// <summary>Slots of the doorkeeper: the hash of the last token checked once that fell in each.</summary>
    private const int SeenSlots = 16_384;

    /// <summary>What an entry costs beyond its token's text, in the same unit: the entry and what it holds.</summary>
    public const int EntryOverhead = 256;

    /// <summary>The longest a token is remembered, however long it lives.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _cache;
    private readonly ConditionalWeakTable<string, VerifiedTokenEntry> _byHeader = new();
    private readonly TimeProvider _time;
    private readonly int[] _seen = new int[SeenSlots];
    private readonly bool _enabled;
    private readonly int _maxEntries;
    private long _hits;
    private long _misses;

    public VerifiedTokenCache(TimeProvider time, IOptions<LimitsOptions> options, AuthProxyMetrics metrics)
    {
        _time = time;
        var limits = options.Value;
        _enabled = limits.VerifiedTokenCharacters > 0;
        _maxEntries = limits.VerifiedTokens;
        _cache = BoundedCache.Create(time, Math.Max(1, limits.VerifiedTokenCharacters), trackStatistics: true);
        metrics.ObserveVerifiedTokens(() => new VerifiedTokenReading(Volatile.Read(ref _hits), Volatile.Read(ref _misses), _cache.Count,
            _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0));
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
    public bool TryGet(ReadOnlySpan<char> token, [NotNullWhen(true)] out VerifiedTokenEntry? entry) => TryGet(header: null, token, out entry);

    /// <inheritdoc cref="TryGet(ReadOnlySpan{char}, out VerifiedTokenEntry?)"/>
    /// <param name="header">The request's whole <c>Authorization</c> value, which <paramref name="token"/> stands in: an entry
    /// found is noted against it, and found by it when the same string comes again (see the remarks).</param>
    public bool TryGet(string? header, ReadOnlySpan<char> token, [NotNullWhen(true)] out VerifiedTokenEntry? entry)
    {
        if (header is not null && _byHeader.TryGetValue(header, out entry) && entry.RememberedUntil > _time.GetUtcNow() && entry.KeysUnchanged())
        {
            Interlocked.Increment(ref _hits);
            return true;
        }

        if (_cache.TryGetValue(token, out entry) && entry is not null && entry.KeysUnchanged())
        {
            if (header is not null)
            {
                _byHeader.AddOrUpdate(header, entry);
            }

            Interlocked.Increment(ref _hits);
            return true;
        }

        Interlocked.Increment(ref _misses);
        entry = null;
        return false;
    }

    /// <summary>Remembers a token that passed every check (its second time: see <see cref="SeenBefore"/>), until its expiry or <see cref="MaxAge"/>.</summary>
    public void Add(string token, VerifiedTokenEntry entry)
    {
        var now = _time.GetUtcNow();
        var until = now + MaxAge;
        if (entry.Expires is { } expires && expires < until)
        {
            until = expires;
        }

        if (_cache.Count >= _maxEntries)
        {
            _cache.Compact(0.10); // as when the characters run out: the oldest entries make room, this one waits for its next check
            return;
        }

        if (until > now)
        {
            entry.RememberUntil(until);
            _cache.Set(token, entry, new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = token.Length + EntryOverhead });
        }
    }

    /// <summary>
    /// Whether <paramref name="token"/> passed a full check before (then it is worth an entry);
    /// at its first check only that it was seen is noted, and no entry needs making.
    /// </summary>
    public bool SeenBefore(string token)
    {
        if (!_enabled)
        {
            return false;
        }

        // string hashes are randomised per process, so no one can aim tokens at one another's slots.
        var hash = token.GetHashCode(StringComparison.Ordinal);
        ref var slot = ref _seen[(uint)hash % SeenSlots];
        if (Volatile.Read(ref slot) == hash)
        {
            return true;
        }

        Volatile.Write(ref slot, hash);
        return false;
    }

    public void Dispose() => _cache.Dispose();
}
