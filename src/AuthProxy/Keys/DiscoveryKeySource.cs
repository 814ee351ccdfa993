using System.Text.Json;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;

namespace AuthProxy.Keys;

/// <summary>
/// OpenID Connect discovery: the provider gives an issuer only; each refresh reads
/// <c>{issuer}/.well-known/openid-configuration</c>, checks its <c>issuer</c> is exactly the
/// configured one (OIDC Discovery 1.0 section 4.3), and fetches the JWKS at its <c>jwks_uri</c>.
/// </summary>
internal sealed class DiscoveryKeySource : UrlKeySource
{
    private readonly string _issuer;

    public DiscoveryKeySource(string description, string issuer, string client, KeyRules rules, KeyFetcher fetcher,
        KeyFetchOptions options, TimeProvider time, AuthProxyMetrics metrics, ILogger logger)
        : base(description, ConfigurationUrl(issuer), client, rules, fetcher, options, time, metrics, logger)
    {
        _issuer = issuer;
    }

    /// <summary>The discovery document's URL for an issuer (a trailing slash is not doubled).</summary>
    public static Uri ConfigurationUrl(string issuer) => new(issuer.TrimEnd('/') + "/.well-known/openid-configuration");

    protected override async Task<FetchResult> FetchContentAsync(CancellationToken cancellationToken)
    {
        var document = await Fetcher.FetchAsync(Client, Url, cancellationToken);
        if (!document.Succeeded)
        {
            return document;
        }

        string? issuer;
        string? jwksUri;
        try
        {
            using var json = JsonDocument.Parse(document.Body!.TrimStart('\uFEFF'));
            issuer = Text(json.RootElement, "issuer");
            jwksUri = Text(json.RootElement, "jwks_uri");
        }
        catch (JsonException ex)
        {
            return FetchResult.Fail(FetchOutcome.Parse, $"the discovery document is not valid JSON ({ex.Message})");
        }

        if (!string.Equals(issuer, _issuer, StringComparison.Ordinal))
        {
            return FetchResult.Fail(FetchOutcome.Parse, $"the discovery document names issuer '{UrlRedaction.Redact(issuer ?? string.Empty)}', not the configured '{UrlRedaction.Redact(_issuer)}'");
        }

        if (!Uri.TryCreate(jwksUri, UriKind.Absolute, out var keys)
            || !(keys.Scheme == Uri.UriSchemeHttps || (keys.Scheme == Uri.UriSchemeHttp && Options.AllowInsecureHttp)))
        {
            return FetchResult.Fail(FetchOutcome.Parse, $"the discovery document's jwks_uri '{UrlRedaction.Redact(jwksUri ?? string.Empty)}' is not an https URL");
        }

        return await Fetcher.FetchAsync(Client, keys, cancellationToken);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
