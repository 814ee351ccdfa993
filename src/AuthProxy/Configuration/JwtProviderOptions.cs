namespace AuthProxy.Configuration;

/// <summary>
/// One trusted provider beside the TigerGraph-named one: <c>Security:JWT:Providers:NAME:*</c>.
/// Lists take children (<c>Keys:0</c>, <c>Keys:1</c>) or a single value (<c>Keys</c>), so an
/// environment variable can set one.
/// </summary>
public sealed class JwtProviderOptions
{
    /// <summary>The setting names a provider takes.</summary>
    public static readonly IReadOnlyList<string> SettingNames = ["Issuer", "Audiences", "Keys", "Secrets", "CaCertificate", "Algorithms"];

    /// <summary>The setting names that are lists.</summary>
    public static readonly IReadOnlyList<string> ListNames = ["Audiences", "Keys", "Secrets", "Algorithms"];

    /// <summary>The provider's name: the key under <c>Security:JWT:Providers</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The configuration path that declares it, for messages.</summary>
    /// <value>The default value is <c>Security:JWT:Providers:NAME</c>.</value>
    public string Path
    {
        get => field ?? $"{JwtProviders.SectionName}:{Name}";
        init;
    }

    /// <summary>Required: the exact <c>iss</c> of its tokens, which selects the provider.</summary>
    public string? Issuer { get; init; }

    /// <summary>When not empty, <c>aud</c> must contain one of them.</summary>
    /// <value>The default value is empty: any audience.</value>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>Public keys: PEM, a JWKS, <c>@path</c> or an https URL. With no <see cref="Secrets"/> either, OIDC discovery from <see cref="Issuer"/>.</summary>
    /// <value>The default value is empty: discovery.</value>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary>Shared secrets for HS256/384/512: the text, <c>@path</c> or an https URL.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>A CA bundle trusted for this provider's URLs instead of <c>Security:JWT:CaCertificate</c>.</summary>
    /// <value>The default value is none: the global bundle.</value>
    public string? CaCertificate { get; init; }

    /// <summary>The algorithms accepted.</summary>
    /// <value>The default value is empty: what the keys allow.</value>
    public IReadOnlyList<string> Algorithms { get; init; } = [];

    /// <summary>Settings under the provider that are none of <see cref="SettingNames"/> (a configuration problem).</summary>
    public IReadOnlyList<string> UnknownSettings { get; init; } = [];

    /// <summary>Whether its keys come from OIDC discovery (neither keys nor secrets are given).</summary>
    public bool UsesDiscovery => Keys.Count == 0 && Secrets.Count == 0;
}
