using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Benchmarks;

/// <summary>The keys and tokens every benchmark uses: one HMAC secret, one RSA and one EC key pair, signed the way identity providers sign.</summary>
public sealed class BenchmarkKeys : IDisposable
{
    public const string HmacSecret = "a-benchmark-secret-of-at-least-32-bytes!";
    public const string EcIssuer = "https://ec-idp.example";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SymmetricSecurityKey HmacKey { get; } = new(Encoding.UTF8.GetBytes(HmacSecret));

    /// <summary>The configuration that trusts these keys: the TigerGraph keys for HS and RS tokens, a named provider for ES256.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Security:JWT:HMAC:Secret"] = HmacSecret,
        ["Security:JWT:RSA:PublicKey"] = Rsa.ExportSubjectPublicKeyInfoPem(),
        ["Security:JWT:Providers:ec:Issuer"] = EcIssuer,
        ["Security:JWT:Providers:ec:Keys:0"] = Ec.ExportSubjectPublicKeyInfoPem(),
    };

    public string Hs256(string sub = "kevin", string graph = "social") => Sign(new SigningCredentials(HmacKey, SecurityAlgorithms.HmacSha256), sub, graph, issuer: null);

    public string Rs256(string sub = "kevin", string graph = "social") =>
        Sign(new SigningCredentials(new RsaSecurityKey(Rsa), SecurityAlgorithms.RsaSha256), sub, graph, issuer: null);

    public string Es256(string sub = "kevin", string graph = "social") =>
        Sign(new SigningCredentials(new ECDsaSecurityKey(Ec), SecurityAlgorithms.EcdsaSha256), sub, graph, EcIssuer);

    private static string Sign(SigningCredentials credentials, string sub, string graph, string? issuer)
    {
        var now = TimeProvider.System.GetUtcNow();
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = sub,
                ["graph"] = graph,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = now.AddHours(2).ToUnixTimeSeconds(),
            },
        });
    }

    /// <summary>The users file: kevin reads graph social; the password hash is PBKDF2 so setup is quick (Basic verifies it once, then from its cache).</summary>
    public static string UsersJson(string kevinPasswordHash) =>
        """{"Users": {"kevin": {"PasswordHash": """ + System.Text.Json.JsonSerializer.Serialize(kevinPasswordHash) + """, "Graphs": {"social": ["READ_DATA"]}}}}""";

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
    }
}
