using System.Diagnostics;
using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Bad configuration stops the start with every problem listed; the off switch works and says so.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class StartupTests(BackendProcess backend)
{
    [Fact]
    public async Task BrokenFiles_StopTheStart_ListingEveryProblem()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress)
            .Replace("\"AuthorizationPolicy\": \"anonymous\"", "\"AuthorizationPolicy\": \"missing-policy\"", StringComparison.Ordinal)
            .Replace("\"Schemes\": [ \"Bearer\" ], \"Graph\": \"query:graph\"", "\"Schemes\": [ \"Kerberos\" ], \"Graph\": \"query:graph\"", StringComparison.Ordinal);
        var users = TestUsers.Json().Replace("\"PasswordHash\": \"$pbkdf2", "\"PasswordHash\": \"$md5", StringComparison.Ordinal);

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes, users,
            new Dictionary<string, string> { ["Security:JWT:ClockSkew"] = "02:00:00", ["Security:JWT:RSA:PublicKey"] = "not a pem" }));

        Assert.Contains(failure.Problems, p => p.Contains("missing-policy", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Kerberos", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Users:tigergraph:PasswordHash", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("Users:kevin:PasswordHash", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("ClockSkew", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadKeys_StopTheStart_WithAClearMessage()
    {
        using var weak = System.Security.Cryptography.RSA.Create(1024);
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["Security:JWT:RSA:PublicKey"] = weak.ExportSubjectPublicKeyInfoPem(),
                ["Security:JWT:HMAC:Secret"] = "too-short",
            }));

        Assert.Contains(failure.Problems, p => p.Contains("1024 bits; at least 2048", StringComparison.Ordinal));
        Assert.Contains(failure.Problems, p => p.Contains("HMAC secret is 9 bytes", StringComparison.Ordinal));
        Assert.DoesNotContain(failure.Problems, p => p.Contains("too-short", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheServerProcess_ExitsNonZero_AndPrintsEveryProblem()
    {
        var directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "routes.json"), "{ \"ReverseProxy\": { \"Routes\": { \"r\": { \"ClusterId\": \"nope\", \"Match\": { \"Path\": \"/x\" } } } }, \"AuthPolicy\": {} }");

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "AuthProxy.dll"), "--routes", "routes.json", "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = directory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderrTask = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var stderr = await stderrTask;

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("AuthProxy cannot start; 2 configuration problem(s):", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown section 'AuthPolicy'", stderr, StringComparison.Ordinal);
        Assert.Contains("ClusterId 'nope' names no cluster", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableAuthFalse_ProxiesEverything_WithoutAuthentication_AndWarns()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["RESTPP:Factory:EnableAuth"] = "false" });
        var request = Http.Get("/restpp/query/finance/q", bearer: "client-token-for-the-backend");
        request.Headers.TryAddWithoutValidation("X-AuthProxy-User", "tigergraph");

        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await response.EchoAsync()).GetProperty("headers");
        Assert.Equal("Bearer client-token-for-the-backend", headers.GetProperty("Authorization").GetString());
        Assert.False(headers.TryGetProperty("X-AuthProxy-User", out _));
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 2 && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
