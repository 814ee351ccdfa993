using System.Net;
using System.Net.Sockets;
using AuthProxy.Hosting;
using AuthProxy.Tests.Common;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// <c>config validate</c>: reads settings, routes, users and keys as a start would (key URLs
/// fetched), lists every problem, exits 0 or 2, and never listens or writes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ConfigValidationTests(BackendProcess backend) : IAsyncLifetime
{
    private static string Root => Routing.RoutesFileReaderTests.FindRepositoryRoot();

    private readonly string _directory = ProxyHost.CreateDirectory();
    private readonly TestCertificateAuthority _ca = new();
    private WireMockServer _idp = null!;

    public Task InitializeAsync()
    {
        _idp = Start(_ca.IssueServer("localhost"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Output, string Error)> ValidateAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(["config", "validate", $"--contentRoot={_directory}", .. args], new StringReader(string.Empty), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task TheShippedRoutes_AndTheSampleUsers_Pass()
    {
        var (exit, output, error) = await ValidateAsync("--routes", Path.Combine(Root, "routes.json"), $"--Users=@{Path.Combine(Root, "samples", "users.json")}",
            $"--Security:JWT:HMAC:Secret={TestTokens.HmacSecret}");

        Assert.True(exit == 0, error);
        Assert.Contains("The configuration is valid", output, StringComparison.Ordinal);
        Assert.Contains($"routes:   {Path.Combine(Root, "routes.json")}: 5 route(s), 1 cluster(s), 4 policies", output, StringComparison.Ordinal);
        Assert.Contains("users:    2 (kevin, tigergraph)", output, StringComparison.Ordinal);
        Assert.Contains("keys:     Security:JWT:HMAC:Secret (inline): 1 key(s)", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_directory));
    }

    [Fact]
    public async Task TheShippedRoutesAlone_Pass_WithAWarningThatNobodyCanAuthenticate()
    {
        var (exit, output, error) = await ValidateAsync("--routes", Path.Combine(Root, "routes.json"));

        Assert.True(exit == 0, error);
        Assert.Contains("warning: no users are declared (Users)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryProblem_IsListed_Exit2()
    {
        var routes = Path.Combine(_directory, "routes.json");
        await File.WriteAllTextAsync(routes, TestRoutes.Standard(backend.BaseAddress)
            .Replace("\"Privileges\": [ \"WRITE_DATA\" ] }", "\"Privilges\": [ \"WRITE_DATA\" ] }", StringComparison.Ordinal)
            .Replace("\"ClusterId\": \"restpp\", \"AuthorizationPolicy\": \"bearer-only\"", "\"ClusterId\": \"nope\", \"AuthorizationPolicy\": \"bearer-only\"", StringComparison.Ordinal));
        var users = Path.Combine(_directory, "users.json");
        await File.WriteAllTextAsync(users, TestUsers.Json().Replace("\"PasswordHash\": \"$pbkdf2", "\"PasswordHash\": \"$md5", StringComparison.Ordinal));

        var (exit, output, error) = await ValidateAsync("--routes", routes, $"--Users=@{users}", "--Security:JWT:ClockSkew=2h", "--AuthProxy:KeyFetch:RefreshInterval=5",
            "--GSQL:Token:DropLimit=51");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("7 configuration problem(s):", error, StringComparison.Ordinal);
        Assert.Contains("AuthProxy:KeyFetch:RefreshInterval: '5' has no unit", error, StringComparison.Ordinal);
        Assert.Contains("ClockSkew", error, StringComparison.Ordinal);
        Assert.Contains("DropLimit", error, StringComparison.Ordinal);
        Assert.Contains("Users:tigergraph:PasswordHash", error, StringComparison.Ordinal);
        Assert.Contains("Users:kevin:PasswordHash", error, StringComparison.Ordinal);
        Assert.Contains("AuthPolicies:graph-write: unknown setting 'Privilges'", error, StringComparison.Ordinal);
        Assert.Contains("ClusterId 'nope' names no cluster", error, StringComparison.Ordinal);
        // The policy with the typo is reported for the typo only, not also as undefined for the route that names it.
        Assert.DoesNotContain("is not defined", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitAndClaimRuleProblems_AreListed_Exit2_AndTheProxyRefusesToStartWithThem()
    {
        var routes = Path.Combine(_directory, "routes.json");
        const string Bad = """
            ,
            "bad-limits": { "RateLimit": { "Permits": 0, "Window": "-00:00:01", "By": "tenant" },
                            "Concurrency": { "Max": -1, "By": "claim:" },
                            "Scopes": [ "read write", "" ],
                            "Claims": { "tenant": [] },
                            "ClaimHeaders": { "X-Tenant": "tenant", "X-AuthProxy-User": "sub", "X-AuthProxy-Claim-A": "a", "x_authproxy_claim_a": "b" } }
            """;
        await File.WriteAllTextAsync(routes, TestRoutes.Standard(backend.BaseAddress, extraPolicies: Bad));

        var (exit, output, error) = await ValidateAsync("--routes", routes);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        string[] expected =
        [
            "AuthPolicies:bad-limits:RateLimit:Permits: '0' must be a whole number from 1 to 1000000",
            "AuthPolicies:bad-limits:RateLimit:Window: '-00:00:01' must be more than zero",
            "AuthPolicies:bad-limits:RateLimit:By: 'tenant' must be user, graph, address or claim:NAME",
            "AuthPolicies:bad-limits:Concurrency:Max: '-1' must be a whole number",
            "AuthPolicies:bad-limits:Concurrency:By: 'claim:' must be user, graph, address or claim:NAME",
            "AuthPolicies:bad-limits:Scopes:0: 'read write' holds a space",
            "AuthPolicies:bad-limits:Scopes:1: an empty scope",
            "AuthPolicies:bad-limits:Claims:tenant: expected a list of non-empty values",
            "AuthPolicies:bad-limits:ClaimHeaders:X-Tenant: claims may be forwarded only in headers named X-AuthProxy-*",
            "AuthPolicies:bad-limits:ClaimHeaders:X-AuthProxy-User: is X-AuthProxy-User, which AuthProxy sets itself",
            "AuthPolicies:bad-limits:ClaimHeaders:x_authproxy_claim_a: claims may be forwarded only in headers named X-AuthProxy-*",
        ];
        Assert.StartsWith($"{expected.Length} configuration problem(s):", error, StringComparison.Ordinal);
        foreach (var problem in expected)
        {
            Assert.Contains(problem, error, StringComparison.Ordinal);
        }

        var start = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress, extraPolicies: Bad)));
        Assert.Contains(start.Problems, p => p.Contains("AuthPolicies:bad-limits:RateLimit:Permits", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyUrls_AreFetched_ALoadedOneIsCounted_AndOneThatFailsTls_IsAProblem()
    {
        using var key = TestKey.Rsa("k1");
        _idp.Serve("/jwks", Ok(TestKey.Jwks(key)));
        var bundle = _ca.WriteBundle(_directory);
        var routes = Path.Combine(Root, "routes.json");

        var trusted = await ValidateAsync("--routes", routes, $"--Security:JWT:CaCertificate={bundle}", $"--Security:JWT:RSA:PublicKey={_idp.Url("/jwks")}");
        var untrusted = await ValidateAsync("--routes", routes, $"--Security:JWT:RSA:PublicKey={_idp.Url("/jwks")}");

        Assert.True(trusted.Exit == 0, trusted.Error);
        Assert.Contains($"keys:     Security:JWT:RSA:PublicKey ({_idp.Url("/jwks")}): 1 key(s)", trusted.Output, StringComparison.Ordinal);
        Assert.Equal(2, untrusted.Exit);
        Assert.Contains($"Security:JWT:RSA:PublicKey ({_idp.Url("/jwks")}): keys not loaded: TLS handshake refused", untrusted.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory, "data")));
    }

    [Fact]
    public async Task ItNeverListens_EvenOnAPortThatIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, output, error) = await ValidateAsync("--urls", $"http://127.0.0.1:{port}", "--routes", Path.Combine(Root, "routes.json"),
            "--AuthProxy:Management:Urls=http://127.0.0.1:" + ProxyHost.FreePort());

        Assert.True(exit == 0, error);
        Assert.Contains("The configuration is valid", output, StringComparison.Ordinal);
    }
}
