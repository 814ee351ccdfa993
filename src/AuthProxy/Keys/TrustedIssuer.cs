using System.Collections.Frozen;
using System.Collections.Immutable;

namespace AuthProxy.Keys;

/// <summary>
/// One identity provider whose tokens AuthProxy accepts: its issuer, audiences, algorithms and
/// key sources. A key from one provider never verifies another provider's token.
/// </summary>
internal sealed class TrustedIssuer : IDisposable
{
    public TrustedIssuer(string name, string? issuer, ImmutableArray<string> audiences, ImmutableArray<KeySource> sources, FrozenSet<string>? algorithms,
        bool isAuthProxy = false)
    {
        IsAuthProxy = isAuthProxy;
        Name = name;
        Issuer = string.IsNullOrEmpty(issuer) ? null : issuer;
        Audiences = audiences;
        Sources = sources;
        Algorithms = algorithms;
    }

    /// <summary>The configuration path that declares the provider, for messages.</summary>
    public string Name { get; }

    /// <summary>The exact <c>iss</c> required, or null when <c>iss</c> is not checked.</summary>
    public string? Issuer { get; }

    /// <summary>When not empty, <c>aud</c> must contain one of these (ordinal).</summary>
    public ImmutableArray<string> Audiences { get; }

    public ImmutableArray<KeySource> Sources { get; }

    /// <summary>When set, only these algorithms are accepted, whatever the keys allow.</summary>
    public FrozenSet<string>? Algorithms { get; }

    /// <summary>Whether this is AuthProxy itself (its own tokens, which may be personal tokens that never expire).</summary>
    public bool IsAuthProxy { get; }

    /// <summary>Whether every source has loaded at least once.</summary>
    public bool IsLoaded
    {
        get
        {
            foreach (var source in Sources)
            {
                if (!source.IsLoaded)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Dispose()
    {
        foreach (var source in Sources)
        {
            source.Dispose();
        }
    }
}
