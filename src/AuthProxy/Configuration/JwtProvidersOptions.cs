namespace AuthProxy.Configuration;

/// <summary><c>Security:JWT:Providers</c>, read once into typed options.</summary>
public sealed class JwtProvidersOptions
{
    public IReadOnlyList<JwtProviderOptions> Providers { get; set; } = [];
}
