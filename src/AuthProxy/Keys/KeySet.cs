using System.Collections.Immutable;

namespace AuthProxy.Keys;

/// <summary>An immutable set of keys from one source, swapped whole when the source refreshes.</summary>
internal sealed class KeySet
{
    public static readonly KeySet Empty = new([], DateTimeOffset.MinValue);

    public KeySet(ImmutableArray<TrustedKey> keys, DateTimeOffset loadedAt)
    {
        Keys = keys;
        LoadedAt = loadedAt;
    }

    public ImmutableArray<TrustedKey> Keys { get; }

    /// <summary>When these keys were fetched or read.</summary>
    public DateTimeOffset LoadedAt { get; }

    public bool IsEmpty => Keys.IsDefaultOrEmpty;

    /// <summary>Whether any key carries exactly <paramref name="kid"/>.</summary>
    public bool HasKid(string kid)
    {
        foreach (var key in Keys)
        {
            if (string.Equals(key.Kid, kid, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
