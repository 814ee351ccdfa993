using System.Collections.Frozen;

namespace AuthProxy.Keys;

/// <summary>
/// What a key source may hold and for which algorithms. Every key ends up serving one family:
/// the algorithm its JWK names, or the family's algorithms narrowed by the provider's list.
/// </summary>
/// <param name="Families">The key families this source may hold.</param>
/// <param name="Algorithms">The provider's <c>Algorithms</c>, or null for "what the keys allow".</param>
internal sealed record KeyRules(FrozenSet<KeyFamily> Families, FrozenSet<string>? Algorithms)
{
    /// <summary>TigerGraph's <c>Security:JWT:RSA:PublicKey</c>: RSA keys for RS256/384/512.</summary>
    public static readonly KeyRules TigerGraphRsa = new(FrozenSet.Create(KeyFamily.Rsa), null);

    /// <summary>TigerGraph's <c>Security:JWT:HMAC:Secret</c>: secrets for HS256/384/512.</summary>
    public static readonly KeyRules TigerGraphHmac = new(FrozenSet.Create(KeyFamily.Hmac), null);

    /// <summary>
    /// A provider's <c>Keys</c>: public keys of any asymmetric family, narrowed by its algorithm list.
    /// Never a shared secret: a document anyone may read must not become a key that signs.
    /// </summary>
    public static KeyRules Provider(FrozenSet<string>? algorithms) =>
        new(FrozenSet.Create(KeyFamily.Rsa, KeyFamily.RsaPss, KeyFamily.Ec, KeyFamily.EdDsa), algorithms);

    /// <summary>A provider's <c>Secrets</c>: shared secrets the operator declared as such, for the HS algorithms its list allows.</summary>
    public static KeyRules ProviderSecrets(FrozenSet<string>? algorithms) => new(FrozenSet.Create(KeyFamily.Hmac), algorithms);

    /// <summary>Whether this slot was declared for shared secrets (and only those).</summary>
    public bool IsSymmetric => Families.Count == 1 && Families.Contains(KeyFamily.Hmac);

    /// <summary>
    /// The algorithms a key may serve, or an empty set with the reason it serves none.
    /// </summary>
    /// <param name="candidates">The algorithms the key type can serve, in preference order of family (e.g. RS before PS).</param>
    /// <param name="declared">The JWK's <c>alg</c>, if any.</param>
    public FrozenSet<string> Resolve(IReadOnlyList<FrozenSet<string>> candidates, string? declared, out string? why)
    {
        why = null;
        if (declared is not null)
        {
            if (!candidates.Any(c => c.Contains(declared)))
            {
                why = $"its alg {declared} does not fit its key type";
                return FrozenSet<string>.Empty;
            }

            if (!Allows(declared))
            {
                why = $"its alg {declared} is not accepted here";
                return FrozenSet<string>.Empty;
            }

            return FrozenSet.Create(StringComparer.Ordinal, declared);
        }

        foreach (var family in candidates)
        {
            var allowed = family.Where(Allows).ToFrozenSet(StringComparer.Ordinal);
            if (allowed.Count > 0)
            {
                return allowed;
            }

            if (Algorithms is null)
            {
                break; // without a provider list, only the first family is the key's default
            }
        }

        why = "none of its algorithms is accepted here";
        return FrozenSet<string>.Empty;
    }

    private bool Allows(string algorithm) =>
        JwsAlgorithms.TryGetFamily(algorithm, out var family) && Families.Contains(family) && (Algorithms is null || Algorithms.Contains(algorithm));
}
