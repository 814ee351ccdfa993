using AuthProxy.Authentication;
using AuthProxy.Hosting;
using AuthProxy.Keys;
using AuthProxy.Storage;
using AuthProxy.Tokens;
using AuthProxy.Users;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Benchmarks;

/// <summary>
/// AuthProxy's bearer validation (format and header rules, signature, lifetime, issuer, audience,
/// user, graph claim, revocation) against IdentityModel's own validation of the same HS256 token
/// (signature and lifetime only), the floor any JWT proxy on .NET stands on.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks
{
    private readonly BenchmarkKeys _keys = new();
    private readonly JsonWebTokenHandler _handler = new();
    private ServiceProvider _services = null!;
    private TokenValidator _validator = null!;
    private RevocationList _revocations = null!;
    private TokenValidationParameters _parameters = null!;
    private TokenValidationParameters _rsaParameters = null!;
    private TokenValidationParameters _ecParameters = null!;
    private string _directory = null!;
    private string _hs256 = null!;
    private string _rs256 = null!;
    private string _es256 = null!;
    private string _own = null!;
    private string _badSignature = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("authproxy-bench-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, "users.json"), BenchmarkKeys.UsersJson(PasswordHash.HashPassword("kevin-bench", PasswordAlgorithm.Pbkdf2Sha256)));
        var settings = _keys.Settings();
        settings["Users"] = "@users.json";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = _directory });
        services.AddSingleton(TimeProvider.System);
        services.AddAuthProxy(configuration);
        _services = services.BuildServiceProvider();
        Ensure(_services.GetRequiredService<UserDirectory>().Initialize());
        Ensure(await AuthProxyApp.InitializeStoreAsync(_services, CancellationToken.None));
        Ensure(await _services.GetRequiredService<TrustedIssuers>().InitializeAsync(CancellationToken.None));
        _validator = _services.GetRequiredService<TokenValidator>();
        _revocations = _services.GetRequiredService<RevocationList>();

        _hs256 = _keys.Hs256();
        _rs256 = _keys.Rs256();
        _es256 = _keys.Es256();
        _own = (await _services.GetRequiredService<TokenIssuer>().IssueAsync(new TokenRequest("kevin", TokenFamily.Gsql, "social", TimeSpan.FromHours(2)), CancellationToken.None))!.Token;
        _badSignature = _hs256[..^4] + (_hs256[^4] == 'A' ? "BBBB" : "AAAA");

        // A realistic revocation list (third-party tokens by signing input, own tokens by jti): the lookup
        // then hashes the token instead of taking the empty-list shortcut.
        for (var i = 0; i < 1000; i++)
        {
            var key = i % 2 == 0
                ? RevocationKeys.SigningInputPrefix + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
                : RevocationKeys.ForOwnToken(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
            _revocations.Revoke(key, TimeProvider.System.GetUtcNow().AddHours(1));
        }

        if (_revocations.Count != 1000)
        {
            throw new InvalidOperationException($"the revocation list holds {_revocations.Count} entries, not 1000");
        }

        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = _keys.HmacKey,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        };

        _rsaParameters = new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(_keys.Rsa),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
        _ecParameters = new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(_keys.Ec),
            ValidIssuer = BenchmarkKeys.EcIssuer,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        };

        foreach (var (token, parameters) in new[] { (_hs256, _parameters), (_rs256, _rsaParameters), (_es256, _ecParameters) })
        {
            if (!(await _handler.ValidateTokenAsync(token, parameters)).IsValid)
            {
                throw new InvalidOperationException("IdentityModel refuses a benchmark token");
            }
        }

        foreach (var token in new[] { _hs256, _rs256, _es256, _own })
        {
            var result = await _validator.ValidateAsync(token, CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("a benchmark token is refused: " + result.Refusal.Message);
            }
        }
    }

    private static void Ensure(IReadOnlyCollection<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "IdentityModel HS256 (signature, lifetime)")]
    public async Task<bool> IdentityModelHs256() => (await _handler.ValidateTokenAsync(_hs256, _parameters)).IsValid;

    [Benchmark(Description = "AuthProxy HS256")]
    public async Task<bool> Hs256() => (await _validator.ValidateAsync(_hs256, CancellationToken.None)).Succeeded;

    [Benchmark(Description = "AuthProxy RS256")]
    public async Task<bool> Rs256() => (await _validator.ValidateAsync(_rs256, CancellationToken.None)).Succeeded;

    [Benchmark(Description = "IdentityModel RS256 (signature, lifetime)")]
    public async Task<bool> IdentityModelRs256() => (await _handler.ValidateTokenAsync(_rs256, _rsaParameters)).IsValid;

    [Benchmark(Description = "IdentityModel ES256 (signature, lifetime, issuer)")]
    public async Task<bool> IdentityModelEs256() => (await _handler.ValidateTokenAsync(_es256, _ecParameters)).IsValid;

    [Benchmark(Description = "AuthProxy ES256 (named provider)")]
    public async Task<bool> Es256() => (await _validator.ValidateAsync(_es256, CancellationToken.None)).Succeeded;

    [Benchmark(Description = "AuthProxy own RS256 token (+ revocation lookup)")]
    public async Task<bool> OwnToken() => (await _validator.ValidateAsync(_own, CancellationToken.None)).Succeeded;

    [Benchmark(Description = "AuthProxy HS256, bad signature (refused)")]
    public async Task<bool> BadSignature() => (await _validator.ValidateAsync(_badSignature, CancellationToken.None)).Succeeded;

    [Benchmark(Description = "Revocation lookup of a third-party token, 1000 entries")]
    public bool RevocationLookup() => _revocations.IsRevoked(_rs256, ownTokenId: null);
}
