using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Keys;

/// <summary>
/// The signature providers of one verification key, one per algorithm it has been asked to verify,
/// made on first use and shared by every request after. IdentityModel's signature providers are
/// safe to share between threads (each pools its hash or key objects); asking
/// <see cref="CryptoProviderFactory"/> for one per token would build its cache key text and look it
/// up on every signature.
/// </summary>
internal sealed class KeyVerifiers
{
    // Providers are kept here, with the key they belong to, not in a factory-wide cache.
    private static readonly CryptoProviderFactory Factory = new() { CacheSignatureProviders = false };

    private readonly SecurityKey _key;
    private volatile Made[] _made = [];

    public KeyVerifiers(SecurityKey key)
    {
        _key = key;
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is this key's signature of <paramref name="input"/> under
    /// <paramref name="algorithm"/>; false, never an exception, for an algorithm the key cannot verify.
    /// </summary>
    public bool Verify(string algorithm, byte[] input, int inputLength, byte[] signature, int signatureLength)
    {
        SignatureProvider? provider = null;
        try
        {
            provider = Provider(algorithm);
            return provider is not null && provider.Verify(input, 0, inputLength, signature, 0, signatureLength);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // A provider that failed may have disposed itself (IdentityModel's HMAC providers do):
            // it is not kept, so the next signature gets a new one instead of the same failure.
            if (provider is not null)
            {
                Forget(provider);
            }

            return false;
        }
    }

    private void Forget(SignatureProvider provider)
    {
        var made = _made;
        var kept = Array.FindAll(made, entry => !ReferenceEquals(entry.Provider, provider));
        if (kept.Length != made.Length)
        {
            _made = kept; // a provider made meanwhile by another request may be lost with it: it is made again
        }
    }

    private SignatureProvider? Provider(string algorithm)
    {
        var made = _made;
        foreach (var entry in made)
        {
            if (string.Equals(entry.Algorithm, algorithm, StringComparison.Ordinal))
            {
                return entry.Provider;
            }
        }

        if (!Factory.IsSupportedAlgorithm(algorithm, _key))
        {
            return null;
        }

        // Two requests may make one each at the same moment; the last kept wins, both verify alike.
        var provider = Factory.CreateForVerifying(_key, algorithm);
        _made = [.. made, new Made(algorithm, provider)];
        return provider;
    }

    private sealed record Made(string Algorithm, SignatureProvider Provider);
}
