namespace AuthProxy.Configuration;

/// <summary>
/// <c>Authentication:Schemes:Bearer</c>: the section ASP.NET Core's JwtBearer reads, and where
/// <c>dotnet user-jwts</c> writes its development issuer (<c>appsettings.Development.json</c>) and
/// signing key (user secrets). Each issuer it names is trusted as one more provider, with the
/// provider rules of SPEC §6: <c>ValidIssuer</c>/<c>ValidIssuers</c> select it,
/// <c>ValidAudience</c>/<c>ValidAudiences</c> are its audiences, the <c>SigningKeys</c> entries for
/// that issuer are its shared secrets (declared, so HS256/384/512), and an issuer without signing
/// keys gets its keys by OIDC discovery, as <c>Authority</c> does in JwtBearer (<c>Authority</c>
/// alone names the issuer). Settings that would loosen validation, or that AuthProxy does not
/// honour, are configuration problems rather than silently ignored.
/// </summary>
public static class BearerSchemeSection
{
    public const string SectionName = "Authentication:Schemes:Bearer";

    /// <summary>The settings read; any other is a problem.</summary>
    public static readonly IReadOnlyList<string> SettingNames = ["ValidIssuer", "ValidIssuers", "ValidAudience", "ValidAudiences", "SigningKeys", "Authority"];

    /// <summary>Settings JwtBearer takes that only say what AuthProxy does anyway; accepted when they say it.</summary>
    private static readonly Dictionary<string, string> Harmless = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ValidateIssuer"] = "true",
        ["ValidateAudience"] = "true",
        ["RequireHttpsMetadata"] = "true",
    };

    /// <summary>The providers the section declares: one per issuer; none when the section is absent.</summary>
    public static IEnumerable<JwtProviderOptions> Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var settings = section.GetChildren().ToList();
        if (settings.Count == 0)
        {
            yield break;
        }

        var unknown = new List<string>();
        foreach (var setting in settings)
        {
            if (SettingNames.Contains(setting.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            unknown.Add(Harmless.TryGetValue(setting.Key, out var expected)
                ? string.Equals(setting.Value, expected, StringComparison.OrdinalIgnoreCase) ? string.Empty : $"{setting.Key}={setting.Value} (AuthProxy always {Describe(setting.Key)})"
                : setting.Key);
        }

        unknown.RemoveAll(u => u.Length == 0);
        var authority = NullIfEmpty(section["Authority"]);
        List<string> issuers = [.. new[] { section["ValidIssuer"] }.Concat(ConfigurationLists.Read(section.GetSection("ValidIssuers")))
            .Where(i => !string.IsNullOrEmpty(i)).Select(i => i!).Distinct(StringComparer.Ordinal)];
        if (issuers.Count == 0 && authority is not null)
        {
            issuers.Add(authority);
        }
        else if (authority is not null && !issuers.Contains(authority, StringComparer.Ordinal))
        {
            unknown.Add($"Authority={UrlRedaction.Redact(authority)} (it must be one of the valid issuers: AuthProxy discovers keys from the issuer)");
        }

        var listed = ConfigurationLists.Read(section.GetSection("ValidAudiences"));
        if (listed.Any(string.IsNullOrWhiteSpace) || section.GetSection("ValidAudiences").GetChildren().Any(c => string.IsNullOrWhiteSpace(c.Value))
            || section.GetChildren().Any(c => c.Key.Equals("ValidAudience", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(c.Value)))
        {
            // Dropping an empty entry could leave no audience at all, which would mean "any audience".
            unknown.Add("ValidAudience(s) with an empty entry (name each audience, or leave the setting out)");
        }

        List<string> audiences = [.. new[] { section["ValidAudience"] }.Concat(listed)
            .Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).Distinct(StringComparer.Ordinal)];
        var keys = section.GetSection("SigningKeys").GetChildren().Select(k => (Issuer: k["Issuer"], Value: k["Value"])).ToList();

        if (issuers.Count == 0)
        {
            yield return new JwtProviderOptions { Name = "Bearer", Path = SectionName, UnknownSettings = unknown }; // the validator asks for an issuer
            yield break;
        }

        for (var i = 0; i < issuers.Count; i++)
        {
            var issuer = issuers[i];
            yield return new JwtProviderOptions
            {
                Name = issuers.Count == 1 ? "Bearer" : $"Bearer{i}",
                Path = issuers.Count == 1 ? SectionName : $"{SectionName} (issuer {UrlRedaction.Redact(issuer)})",
                Issuer = issuer,
                Audiences = audiences,
                Secrets = [.. keys.Where(k => string.Equals(k.Issuer, issuer, StringComparison.Ordinal) && !string.IsNullOrEmpty(k.Value)).Select(k => "base64:" + k.Value)],
                UnknownSettings = i == 0 ? unknown : [],
            };
        }
    }

    private static string Describe(string setting) => setting.ToUpperInvariant() switch
    {
        "VALIDATEISSUER" => "validates the issuer",
        "VALIDATEAUDIENCE" => "validates the audience when audiences are given",
        _ => "fetches keys over https unless AuthProxy:KeyFetch:AllowInsecureHttp is set",
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
