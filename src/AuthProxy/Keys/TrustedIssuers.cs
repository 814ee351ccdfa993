using System.Collections.Frozen;
using System.Collections.Immutable;
using AuthProxy.Configuration;
using Microsoft.Extensions.Options;

namespace AuthProxy.Keys;

/// <summary>
/// Every identity provider AuthProxy trusts, built from configuration at start-up. The token's
/// <c>iss</c> selects the provider.
/// </summary>
internal sealed class TrustedIssuers : IDisposable
{
    /// <summary>The name of the provider declared by TigerGraph's single-provider keys.</summary>
    public const string TigerGraphProvider = "Security:JWT";

    private readonly JwtOptions _options;
    private readonly string _contentRoot;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private ImmutableArray<TrustedIssuer> _all = [];
    private FrozenDictionary<string, TrustedIssuer> _byIssuer = FrozenDictionary<string, TrustedIssuer>.Empty;
    private TrustedIssuer? _fallback;

    public TrustedIssuers(IOptions<JwtOptions> options, IHostEnvironment environment, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value;
        _contentRoot = environment.ContentRootPath;
        _time = time;
        _loggers = loggers;
    }

    public ImmutableArray<TrustedIssuer> All => _all;

    /// <summary>Whether every key source of every provider has loaded once.</summary>
    public bool IsReady => _all.All(i => i.IsLoaded);

    /// <summary>
    /// The provider for a token's <c>iss</c>: the one declaring exactly that issuer, else the
    /// TigerGraph-named provider when its issuer is empty or equal; null when none trusts it.
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
        var issuers = new List<TrustedIssuer>();

        var tigerGraph = BuildTigerGraphProvider(problems);
        if (tigerGraph is not null)
        {
            issuers.Add(tigerGraph);
        }

        foreach (var issuer in issuers)
        {
            foreach (var source in issuer.Sources)
            {
                problems.AddRange(await source.InitializeAsync(cancellationToken));
            }
        }

        _all = [.. issuers];
        _fallback = tigerGraph;
        _byIssuer = issuers.Where(i => i.Issuer is not null && !ReferenceEquals(i, tigerGraph))
            .ToFrozenDictionary(i => i.Issuer!, StringComparer.Ordinal);
        return problems;
    }

    private TrustedIssuer? BuildTigerGraphProvider(List<string> problems)
    {
        var sources = ImmutableArray.CreateBuilder<KeySource>();
        if (!string.IsNullOrWhiteSpace(_options.RSA.PublicKey))
        {
            sources.Add(CreateSource($"{TigerGraphProvider}:RSA:PublicKey", _options.RSA.PublicKey,
                (content, source, p) => KeyMaterial.ParseRsaPem(content, source, JwsAlgorithms.Rsa, p), problems));
        }

        if (!string.IsNullOrWhiteSpace(_options.HMAC.Secret))
        {
            sources.Add(CreateSource($"{TigerGraphProvider}:HMAC:Secret", _options.HMAC.Secret,
                (content, source, p) => KeyMaterial.ParseHmacSecret(content, source, p) is { } key ? [key] : [], problems));
        }

        var built = sources.ToImmutable();
        if (built.IsEmpty)
        {
            return null;
        }

        var audiences = string.IsNullOrEmpty(_options.Audience) ? ImmutableArray<string>.Empty : [_options.Audience];
        return new TrustedIssuer(TigerGraphProvider, _options.Issuer, audiences, built, algorithms: null);
    }

    private ContentKeySource CreateSource(string key, string value, Func<string, string, List<string>, IReadOnlyList<TrustedKey>> parse, List<string> problems)
    {
        var reference = ValueReference.Parse(value, _contentRoot);
        var description = reference.Describe(key);
        if (reference.Kind == ValueReferenceKind.Url)
        {
            problems.Add($"{description}: key URLs are not supported by this build; give the key inline or as @path");
        }

        return new ContentKeySource(reference.Kind == ValueReferenceKind.Url ? new ValueReference(ValueReferenceKind.Inline, string.Empty) : reference,
            description, parse, _time, _loggers.CreateLogger<ContentKeySource>());
    }

    public void Dispose()
    {
        foreach (var issuer in _all)
        {
            issuer.Dispose();
        }
    }
}
