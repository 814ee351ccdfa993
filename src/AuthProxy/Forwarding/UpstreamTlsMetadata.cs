namespace AuthProxy.Forwarding;

/// <summary>
/// The names of AuthProxy's TLS settings in a cluster's YARP <c>Metadata</c>, and how they are read.
/// Names are case-insensitive, as every configuration key is.
/// </summary>
internal static class UpstreamTlsMetadata
{
    public const string CaCertificate = "AuthProxy.CaCertificate";
    public const string ClientCertificate = "AuthProxy.ClientCertificate";
    public const string ClientKey = "AuthProxy.ClientKey";
    public const string ServerName = "AuthProxy.ServerName";

    /// <summary>The prefix of every AuthProxy setting in a cluster's metadata; an unknown one is refused (a misspelt setting would fail open).</summary>
    public const string Prefix = "AuthProxy.";

    public static readonly IReadOnlyList<string> Names = [CaCertificate, ClientCertificate, ClientKey, ServerName];

    /// <summary>The settings of a cluster's metadata, relative paths resolved from <paramref name="contentRoot"/>.</summary>
    public static UpstreamTlsSettings Read(IReadOnlyDictionary<string, string>? metadata, string contentRoot)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return UpstreamTlsSettings.None;
        }

        return new UpstreamTlsSettings(
            FilePath(Value(metadata, CaCertificate), contentRoot),
            FilePath(Value(metadata, ClientCertificate), contentRoot),
            FilePath(Value(metadata, ClientKey), contentRoot),
            Value(metadata, ServerName));
    }

    /// <summary>The AuthProxy entries of a metadata dictionary, for comparing two versions of a cluster.</summary>
    public static string Fingerprint(IReadOnlyDictionary<string, string>? metadata) => metadata is null
        ? string.Empty
        : string.Join('\n', metadata.Where(e => e.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            .Select(e => $"{e.Key.ToUpperInvariant()}={e.Value}").Order(StringComparer.Ordinal));

    private static string? Value(IReadOnlyDictionary<string, string> metadata, string name) =>
        metadata.FirstOrDefault(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;

    private static string? FilePath(string? value, string contentRoot) => value is null ? null : Path.GetFullPath(value, contentRoot);
}
