using AuthProxy.Keys;

namespace AuthProxy.Tokens;

/// <summary>The public keys of AuthProxy's own signing key ring, as a key source of its own issuer.</summary>
internal sealed class OwnKeySource(SigningKeyRing ring) : KeySource
{
    public override string Description => "AuthProxy signing keys";

    public override KeySet Current => ring.PublicKeys;

    public override bool IsLoaded => !ring.PublicKeys.IsEmpty;

    /// <summary>The ring is loaded before the issuers (it needs the store); nothing to do here.</summary>
    public override Task<IReadOnlyList<string>> InitializeAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
}
