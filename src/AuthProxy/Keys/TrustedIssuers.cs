using System.Collections.Frozen;
using System.Collections.Immutable;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using AuthProxy.Tls;
using AuthProxy.Tokens;
using Microsoft.Extensions.Options;

namespace AuthProxy.Keys;

/// <summary>
/// Every identity provider AuthProxy trusts, built from configuration at start-up: the one named
/// by TigerGraph's keys (<c>Security:JWT:*</c>) and the named ones under
/// <c>Security:JWT:Providers</c>. The token's <c>iss</c> selects the provider.
/// </summary>
internal sealed class TrustedIssuers : IDisposable
{
    /// <summary>The name of the provider declared by TigerGraph's single-provider keys.</summary>
    public const string TigerGraphProvider = "Security:JWT";

    private readonly JwtOptions _options;
    private readonly JwtProvidersOptions _providers;
    private readonly string _contentRoot;
    private readonly KeySourceFactory _sources;
    private readonly KeyHttp _http;
    private readonly TlsFileMonitor _monitor;
    private ImmutableArray<TrustedIssuer> _all = [];
    private FrozenDictionary<string, TrustedIssuer> _byIssuer = FrozenDictionary<string, TrustedIssuer>.Empty;
    private TrustedIssuer? _fallback;

    /// <summary>The name of AuthProxy's own issuer (its signing key ring).</summary>
    public const string AuthProxyProvider = "AuthProxy";

    private readonly SigningKeyRing _ring;
    private readonly OwnTokenOptions _own;

    public TrustedIssuers(IOptions<JwtOptions> options, IOptions<OwnTokenOptions> own, IOptions<JwtProvidersOptions> providers, IHostEnvironment environment,
        KeySourceFactory sources, KeyHttp http, SigningKeyRing ring, AuthProxyMetrics metrics, TimeProvider time, TlsFileMonitor monitor)
    {
        _monitor = monitor;
        metrics.ObserveKeySources(() => _all.SelectMany(i => i.Sources)
            .Select(s => new KeySourceReading(s.Description, s.Current.Keys.Length, s.IsLoaded ? s.Current.LoadedAt : null)), time);
        _own = own.Value;
        _ring = ring;
        _options = options.Value;
        _providers = providers.Value;
        _contentRoot = environment.ContentRootPath;
        _sources = sources;
        _http = http;
    }

    public ImmutableArray<TrustedIssuer> All => _all;

    /// <summary>Whether every key source of every provider has loaded once.</summary>
    public bool IsReady => _all.All(i => i.IsLoaded);

    /// <summary>
    /// The provider for a token's <c>iss</c>: the one declaring exactly that issuer, else the
    /// TigerGraph-named provider (which checks <c>iss</c> only when its issuer is set); null when
    /// none trusts it.
    /// </summary>
    public TrustedIssuer? Select(string? issuer)
    {
        if (issuer is not null && _byIssuer.TryGetValue(issuer, out var provider))
        {
            return provider;
        }

        return _fallback;
    }

    /// <summary>Builds the providers and loads their keys once; returns every problem found.</summary>
    public async Task<IReadOnlyList<string>> InitializeAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var globalBundle = _options.CaCertificate is { Length: > 0 } ca
            ? Bundle(Path.GetFullPath(ca, _contentRoot), "Security:JWT:CaCertificate (or SSL_CA_CERT)", problems)
            : null;
        _http.Trust(KeyHttp.DefaultClient, globalBundle);

        var issuers = new List<TrustedIssuer>
        {
            // Each ring key verifies with its own algorithm only: after a change of SigningAlgorithm the
            // keys of the former one keep verifying the tokens they signed.
            new(AuthProxyProvider, _own.Issuer, [], [new OwnKeySource(_ring)], algorithms: null, isAuthProxy: true),
        };
        var tigerGraph = BuildTigerGraphProvider(problems);
        if (tigerGraph is not null)
        {
            issuers.Add(tigerGraph);
        }

        foreach (var provider in _providers.Providers)
        {
            issuers.Add(BuildProvider(provider, problems));
        }

        if (problems.Count == 0)
        {
            // Sources load in parallel: one slow provider does not hold up the others.
            var loads = issuers.SelectMany(i => i.Sources).Select(s => s.InitializeAsync(cancellationToken));
            foreach (var loaded in await Task.WhenAll(loads))
            {
                problems.AddRange(loaded);
            }
        }

        _all = [.. issuers];
        _fallback = tigerGraph;
        _byIssuer = issuers.Where(i => i.Issuer is not null && !ReferenceEquals(i, tigerGraph))
            .ToFrozenDictionary(i => i.Issuer!, StringComparer.Ordinal);
        return problems;
    }

    /// <summary>Waits until every key URL that has not loaded has had its first answer (or failure); <c>config validate</c> reports what it got.</summary>
    public Task WaitForFirstFetchesAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_all.SelectMany(i => i.Sources).OfType<UrlKeySource>()
            .Where(s => !s.IsLoaded && s.LastError is null)
            .Select(s => s.RefreshAsync("config validate").WaitAsync(cancellationToken)));

    /// <summary>One problem for each identity provider's key source that has not loaded, with its cause.</summary>
    /// <param name="because">Why this stops the start, appended to each problem; null for none.</param>
    public IReadOnlyList<string> NotLoaded(string? because) =>
        [.. _all.Where(i => !i.IsAuthProxy).SelectMany(i => i.Sources).Where(s => !s.IsLoaded)
            .Select(s => $"{s.Description}: keys not loaded: {s.Problem ?? "no answer within " + KeyFetchOptions.SectionName + ":InitialLoadTimeout"}{(because is null ? string.Empty : $" ({because})")}")];

    private TrustedIssuer? BuildTigerGraphProvider(List<string> problems)
    {
        var sources = ImmutableArray.CreateBuilder<KeySource>();
        if (!string.IsNullOrWhiteSpace(_options.RSA.PublicKey))
        {
            sources.Add(_sources.Create($"{TigerGraphProvider}:RSA:PublicKey", _options.RSA.PublicKey, KeyRules.TigerGraphRsa, KeyHttp.DefaultClient, problems));
        }

        if (!string.IsNullOrWhiteSpace(_options.HMAC.Secret))
        {
            sources.Add(_sources.Create($"{TigerGraphProvider}:HMAC:Secret", _options.HMAC.Secret, KeyRules.TigerGraphHmac, KeyHttp.DefaultClient, problems));
        }

        if (sources.Count == 0)
        {
            return null;
        }

        var audiences = string.IsNullOrEmpty(_options.Audience) ? ImmutableArray<string>.Empty : [_options.Audience];
        return new TrustedIssuer(TigerGraphProvider, _options.Issuer, audiences, sources.ToImmutable(), algorithms: null);
    }

    /// <summary>Builds a named provider; its settings were validated with the options (<see cref="JwtProvidersValidator"/>).</summary>
    private TrustedIssuer BuildProvider(JwtProviderOptions provider, List<string> problems)
    {
        var name = provider.Path;
        var algorithms = provider.Algorithms.Count > 0 ? provider.Algorithms.ToFrozenSet(StringComparer.Ordinal) : null;

        var client = KeyHttp.DefaultClient;
        if (provider.CaCertificate is { } ca)
        {
            client = KeyHttp.ClientFor(provider.Name);
            _http.Trust(client, Bundle(Path.GetFullPath(ca, _contentRoot), $"{name}:CaCertificate", problems));
        }

        // Public keys and shared secrets come from separate settings: a key document fetched for
        // public keys can never become a secret that signs.
        var sources = provider.UsesDiscovery
            ? [_sources.CreateDiscovery($"{name} (discovery)", provider.Issuer!, KeyRules.Provider(algorithms), client)]
            : provider.Keys.Select((value, i) => _sources.Create($"{name}:Keys:{i}", value, KeyRules.Provider(algorithms), client, problems))
                .Concat(provider.Secrets.Select((value, i) => _sources.Create($"{name}:Secrets:{i}", value, KeyRules.ProviderSecrets(algorithms), client, problems)))
                .ToImmutableArray();
        return new TrustedIssuer(name, provider.Issuer, [.. provider.Audiences], sources, algorithms);
    }

    /// <summary>A CA bundle for key URLs, read again when its files change (as the backends' bundles are).</summary>
    private ReloadingFiles<CaBundle> Bundle(string path, string setting, List<string> problems)
    {
        var files = new ReloadingFiles<CaBundle>($"CA bundle {path} of {setting}", [path], loading => CaBundle.Load(path, setting, loading), problems);
        _monitor.Watch(files);
        return files;
    }

    public void Dispose()
    {
        foreach (var issuer in _all)
        {
            issuer.Dispose();
        }
    }
}
