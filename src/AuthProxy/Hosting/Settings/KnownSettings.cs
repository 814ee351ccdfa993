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
        (LimitsOptions.SectionName, typeof(LimitsOptions)),
        (AccessLogOptions.SectionName, typeof(AccessLogOptions)),
        (Forwarding.UpstreamOptions.SectionName, typeof(Forwarding.UpstreamOptions)),
    ];

    private static readonly Dictionary<string, Type> Types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Each setting's default, as configuration text (null: unset).</summary>
    private static readonly Dictionary<string, string?> Defaults = BuildTypes(Types);

    private static readonly HashSet<string> Exact = BuildExact();

    /// <summary>The settings whose value is not text (durations, numbers, switches, levels), with their type.</summary>
    public static IEnumerable<KeyValuePair<string, Type>> Typed => Types.Where(p => p.Value != typeof(string) && p.Value != typeof(string[]));

    /// <summary>List settings: a comma-separated value is stored as a JSON array.</summary>
    public static bool IsList(string key) =>
        (ProviderPattern().Match(key) is { Success: true } m && JwtProviderOptions.ListNames.Contains(m.Groups[2].Value, StringComparer.OrdinalIgnoreCase))
        || (Types.TryGetValue(key, out var type) && type == typeof(string[]));

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
        return new HashSet<string>(Types.Keys, StringComparer.OrdinalIgnoreCase) { "Users", "ASPNETCORE_URLS", "Urls" };
    }

    /// <summary>The default of a typed setting as configuration text, or null when it has none.</summary>
    public static string? DefaultOf(string key) => Defaults.GetValueOrDefault(key);

    private static Dictionary<string, string?> BuildTypes(Dictionary<string, Type> types)
    {
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, type) in Sections)
        {
            AddProperties(types, defaults, section, type, Activator.CreateInstance(type));
        }

        return defaults;
    }

    private static void AddProperties(Dictionary<string, Type> keys, Dictionary<string, string?> defaults, string prefix, Type type, object? instance)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var value = instance is null ? null : property.GetValue(instance);
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray)
            {
                AddProperties(keys, defaults, key, propertyType, value);
            }
            else
            {
                keys[key] = propertyType;
                defaults[key] = value is null || propertyType.IsArray ? null
                    : System.ComponentModel.TypeDescriptor.GetConverter(propertyType).ConvertToInvariantString(value);
            }
        }
    }

    [GeneratedRegex(@"^Security:JWT:Providers:([A-Za-z0-9_\-]{1,64}):(Issuer|Audiences|Keys|Secrets|CaCertificate|Algorithms)\z", RegexOptions.IgnoreCase)]
    private static partial Regex ProviderPattern();
}
