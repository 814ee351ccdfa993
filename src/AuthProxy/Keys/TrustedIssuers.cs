using System.Collections.Frozen;
using System.Collections.Immutable;
using AuthProxy.Configuration;
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

    private static readonly HashSet<string> ProviderKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Issuer", "Audiences", "Keys", "CaCertificate", "Algorithms",
    };

    private readonly JwtOptions _options;
    private readonly IConfiguration _configuration;
    private readonly string _contentRoot;
    private readonly KeySourceFactory _sources;
    private readonly KeyHttp _http;
    private ImmutableArray<TrustedIssuer> _all = [];
    private FrozenDictionary<string, TrustedIssuer> _byIssuer = FrozenDictionary<string, TrustedIssuer>.Empty;
    private TrustedIssuer? _fallback;

    public TrustedIssuers(IOptions<JwtOptions> options, IConfiguration configuration, IHostEnvironment environment, KeySourceFactory sources, KeyHttp http)
    {
        _options = options.Value;
        _configuration = configuration;
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
            ? CaBundle.Load(Path.GetFullPath(ca, _contentRoot), "Security:JWT:CaCertificate (or SSL_CA_CERT)", problems)
            : null;
        _http.Trust(KeyHttp.DefaultClient, globalBundle);

        var issuers = new List<TrustedIssuer>();
        var tigerGraph = BuildTigerGraphProvider(problems);
        if (tigerGraph is not null)
        {
            issuers.Add(tigerGraph);
        }

        foreach (var section in _configuration.GetSection(JwtProviders.SectionName).GetChildren())
        {
            if (BuildProvider(section, problems) is { } provider)
            {
                issuers.Add(provider);
            }
        }

        var byIssuer = new Dictionary<string, TrustedIssuer>(StringComparer.Ordinal);
        foreach (var issuer in issuers.Where(i => i.Issuer is not null))
        {
            if (!byIssuer.TryAdd(issuer.Issuer!, issuer))
            {
                problems.Add($"{issuer.Name}: issuer '{issuer.Issuer}' is already declared by {byIssuer[issuer.Issuer!].Name}; each issuer belongs to one provider");
            }
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
        _byIssuer = byIssuer.ToFrozenDictionary(StringComparer.Ordinal);
        return problems;
    }

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

    private TrustedIssuer? BuildProvider(IConfigurationSection section, List<string> problems)
    {
        var name = $"{JwtProviders.SectionName}:{section.Key}";
        var before = problems.Count;
        foreach (var child in section.GetChildren().Where(c => !ProviderKeys.Contains(c.Key)))
        {
            problems.Add($"{name}: unknown setting '{child.Key}' (expected {string.Join(", ", ProviderKeys)})");
        }

        var issuer = section["Issuer"];
        if (string.IsNullOrWhiteSpace(issuer))
        {
            problems.Add($"{name}:Issuer: is required; the token's iss selects the provider");
        }

        FrozenSet<string>? algorithms = null;
        var listed = List(section.GetSection("Algorithms"));
        if (listed.Count > 0)
        {
            foreach (var unknown in listed.Where(a => !JwsAlgorithms.All.Contains(a)))
            {
                problems.Add($"{name}:Algorithms: '{unknown}' is not one of {string.Join(", ", JwsAlgorithms.All.Order(StringComparer.Ordinal))}");
            }

            algorithms = listed.ToFrozenSet(StringComparer.Ordinal);
        }

        var client = KeyHttp.DefaultClient;
        if (section["CaCertificate"] is { Length: > 0 } ca)
        {
            client = KeyHttp.ClientFor(section.Key);
            _http.Trust(client, CaBundle.Load(Path.GetFullPath(ca, _contentRoot), $"{name}:CaCertificate", problems));
        }

        if (problems.Count > before)
        {
            return null;
        }

        var rules = KeyRules.Provider(algorithms);
        var keys = List(section.GetSection("Keys"));
        var sources = keys.Count == 0
            ? [_sources.CreateDiscovery($"{name} (discovery)", issuer!, rules, client)]
            : keys.Select((value, i) => _sources.Create($"{name}:Keys:{i}", value, rules, client, problems)).ToImmutableArray();
        var audiences = List(section.GetSection("Audiences")).ToImmutableArray();
        return new TrustedIssuer(name, issuer, audiences, sources, algorithms);
    }

    /// <summary>A list setting: its children in order, or its single value.</summary>
    private static List<string> List(IConfigurationSection section) =>
        !string.IsNullOrEmpty(section.Value)
            ? [section.Value]
            : section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();

    public void Dispose()
    {
        foreach (var issuer in _all)
        {
            issuer.Dispose();
        }
    }
}
