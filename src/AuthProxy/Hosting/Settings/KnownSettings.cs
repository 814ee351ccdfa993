using System.Reflection;
using System.Text.RegularExpressions;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// The settings the <c>config</c> verbs may write: every option of AuthProxy's options classes,
/// the named providers' keys, the users file and log levels. TigerGraph's dotted names
/// (<c>Security.JWT.RSA.PublicKey</c>) and the <c>:</c> form are both accepted.
/// </summary>
internal static partial class KnownSettings
{
    private static readonly (string Section, Type Options)[] Sections =
    [
        (EnforcementOptions.SectionName, typeof(EnforcementOptions)),
        (JwtOptions.SectionName, typeof(JwtOptions)),
        (GsqlTokenOptions.SectionName, typeof(GsqlTokenOptions)),
        (AuthProxyOptions.SectionName, typeof(AuthProxyOptions)),
        (KeyFetchOptions.SectionName, typeof(KeyFetchOptions)),
        (StoreOptions.SectionName, typeof(StoreOptions)),
        (OwnTokenOptions.SectionName, typeof(OwnTokenOptions)),
        (ThrottlingOptions.SectionName, typeof(ThrottlingOptions)),
        (TokenServicesOptions.SectionName, typeof(TokenServicesOptions)),
        (PersonalTokenOptions.SectionName, typeof(PersonalTokenOptions)),
        (GraphQLOptions.SectionName, typeof(GraphQLOptions)),
        (TelemetryOptions.SectionName, typeof(TelemetryOptions)),
        (ManagementOptions.SectionName, typeof(ManagementOptions)),
        (Forwarding.UpstreamOptions.SectionName, typeof(Forwarding.UpstreamOptions)),
    ];

    private static readonly HashSet<string> Exact = BuildExact();

    /// <summary>List settings: a comma-separated value is stored as a JSON array.</summary>
    public static bool IsList(string key) =>
        ProviderPattern().Match(key) is { Success: true } m && JwtProviderOptions.ListNames.Contains(m.Groups[2].Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Settings whose inline value is a secret and is never printed.</summary>
    public static bool IsSecret(string key) =>
        key.Contains("Secret", StringComparison.OrdinalIgnoreCase) || key.Contains("Password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase);

    /// <summary>The canonical <c>:</c> form of a known setting, or null.</summary>
    public static string? Normalize(string name)
    {
        var key = name.Contains(':', StringComparison.Ordinal) ? name : name.Replace('.', ':');
        if (Exact.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        if (ProviderPattern().Match(key) is { Success: true } provider)
        {
            var setting = JwtProviderOptions.SettingNames.First(k => string.Equals(k, provider.Groups[2].Value, StringComparison.OrdinalIgnoreCase));
            return $"{JwtProviders.SectionName}:{provider.Groups[1].Value}:{setting}";
        }

        if (key.StartsWith("Logging:LogLevel:", StringComparison.OrdinalIgnoreCase) && key.Length > "Logging:LogLevel:".Length)
        {
            return "Logging:LogLevel:" + key["Logging:LogLevel:".Length..];
        }

        return null;
    }

    public static IEnumerable<string> All => Exact.Order(StringComparer.Ordinal);

    private static HashSet<string> BuildExact()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Users", "ASPNETCORE_URLS", "Urls" };
        foreach (var (section, type) in Sections)
        {
            AddProperties(keys, section, type);
        }

        return keys;
    }

    private static void AddProperties(HashSet<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string))
            {
                AddProperties(keys, key, propertyType);
            }
            else
            {
                keys.Add(key);
            }
        }
    }

    [GeneratedRegex(@"^Security:JWT:Providers:([A-Za-z0-9_\-]{1,64}):(Issuer|Audiences|Keys|Secrets|CaCertificate|Algorithms)$", RegexOptions.IgnoreCase)]
    private static partial Regex ProviderPattern();
}
