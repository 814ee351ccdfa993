namespace AuthProxy.Configuration;

/// <summary>The configuration path of the named providers: <c>Security:JWT:Providers:NAME:*</c>.</summary>
public static class JwtProviders
{
    public const string SectionName = "Security:JWT:Providers";

    /// <summary>
    /// Reads every provider once; the one reader of <c>Security:JWT:Providers</c>, and of the standard
    /// <c>Authentication:Schemes:Bearer</c> section, whose issuers come last (<see cref="BearerSchemeSection"/>).
    /// </summary>
    public static IReadOnlyList<JwtProviderOptions> Read(IConfiguration configuration) =>
        [.. ReadNamed(configuration), .. BearerSchemeSection.Read(configuration)];

    private static IEnumerable<JwtProviderOptions> ReadNamed(IConfiguration configuration) =>
        configuration.GetSection(SectionName).GetChildren().Select(section => new JwtProviderOptions
        {
            Name = section.Key,
            Issuer = section["Issuer"],
            Audiences = ConfigurationLists.Read(section.GetSection("Audiences")),
            Keys = ConfigurationLists.Read(section.GetSection("Keys")),
            Secrets = ConfigurationLists.Read(section.GetSection("Secrets")),
            CaCertificate = NullIfEmpty(section["CaCertificate"]),
            Algorithms = ConfigurationLists.Read(section.GetSection("Algorithms")),
            UnknownSettings = [.. section.GetChildren().Select(c => c.Key).Where(k => !JwtProviderOptions.SettingNames.Contains(k, StringComparer.OrdinalIgnoreCase))],
        });

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
