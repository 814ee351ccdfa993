using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Keys;

/// <summary>A verification key with the algorithms it may be used with (all of one family).</summary>
/// <param name="Kid">The key id, or null for keys given as PEM or a bare secret.</param>
/// <param name="Key">The IdentityModel key that verifies signatures.</param>
/// <param name="Algorithms">The algorithms this key may verify; never spans families.</param>
/// <param name="Source">Where the key came from, for messages (never key material).</param>
internal sealed record TrustedKey(string? Kid, SecurityKey Key, FrozenSet<string> Algorithms, string Source)
{
    /// <summary>This key's signature providers, made once per algorithm and shared by every request.</summary>
    public KeyVerifiers Verifiers { get; } = new(Key);

    /// <summary>Whether this key may verify a token signed with <paramref name="algorithm"/> and naming <paramref name="kid"/>.</summary>
    public bool Accepts(string algorithm, string? kid) =>
        Algorithms.Contains(algorithm) && (kid is null || Kid is null || string.Equals(kid, Kid, StringComparison.Ordinal));
}
