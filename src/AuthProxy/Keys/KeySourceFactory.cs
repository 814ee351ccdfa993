using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace AuthProxy.Keys;

/// <summary>Makes the right <see cref="KeySource"/> for a configured value: inline, <c>@path</c>, URL, or discovery.</summary>
internal sealed class KeySourceFactory
{
    private readonly string _contentRoot;
    private readonly KeyFetcher _fetcher;
    private readonly KeyFetchOptions _options;
    private readonly TimeProvider _time;
    private readonly AuthProxyMetrics _metrics;
    private readonly ILoggerFactory _loggers;

    public KeySourceFactory(IHostEnvironment environment, KeyFetcher fetcher, IOptions<KeyFetchOptions> options, TimeProvider time,
        AuthProxyMetrics metrics, ILoggerFactory loggers)
    {
        _contentRoot = environment.ContentRootPath;
        _fetcher = fetcher;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _loggers = loggers;
    }

    public KeySource Create(string setting, string value, KeyRules rules, string client, List<string> problems)
    {
        var reference = ValueReference.Parse(value, _contentRoot);
        var description = reference.Describe(setting);
        if (reference.Kind != ValueReferenceKind.Url)
        {
            return new ContentKeySource(reference, description, (content, source, p) => KeyMaterial.Parse(content, source, rules, p),
                _time, _loggers.CreateLogger<ContentKeySource>());
        }

        // The URL was checked with the options (JwtProvidersValidator).
        return new UrlKeySource(description, new Uri(reference.Value), client, rules, _fetcher, _options, _time, _metrics, _loggers.CreateLogger<UrlKeySource>());
    }

    public KeySource CreateDiscovery(string description, string issuer, KeyRules rules, string client) =>
        new DiscoveryKeySource(description, issuer, client, rules, _fetcher, _options, _time, _metrics, _loggers.CreateLogger<DiscoveryKeySource>());
}
