using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuthProxy.Hosting;
using AuthProxy.Users;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Benchmarks;

/// <summary>
/// One request over a kept-alive loopback connection, end to end: straight to a backend (the
/// baseline), through AuthProxy with authentication off (YARP's own cost), and through AuthProxy
/// with each credential. The ratios are what a client notices.
/// </summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private const string Path = "/restpp/query/social/q";
    private const string KevinPassword = "kevin-bench";

    private readonly BenchmarkKeys _keys = new();
    private readonly List<WebApplication> _apps = [];
    private readonly List<string> _directories = [];
    private HttpClient _direct = null!;
    private HttpClient _open = null!;
    private HttpClient _proxy = null!;
    private string _hs256 = null!;
    private string _rs256 = null!;
    private string _es256 = null!;
    private string _own = null!;
    private string _basic = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var backend = await StartBackendAsync();
        _direct = Client(backend);
        _open = Client(await StartProxyAsync(backend, new() { ["RESTPP:Factory:EnableAuth"] = "false" }));
        _proxy = Client(await StartProxyAsync(backend, []));

        _hs256 = _keys.Hs256();
        _rs256 = _keys.Rs256();
        _es256 = _keys.Es256();
        _basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("kevin:" + KevinPassword));

        using var issue = new HttpRequestMessage(HttpMethod.Post, "/gsql/v1/tokens") { Content = new StringContent("""{"graph":"social"}""", Encoding.UTF8, "application/json") };
        issue.Headers.Authorization = new AuthenticationHeaderValue("Basic", _basic);
        using var issued = await _proxy.SendAsync(issue);
        issued.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
        _own = body.RootElement.GetProperty("token").GetString()!;

        // Every case must really pass; a refusal would measure the wrong thing.
        foreach (var (client, scheme, credential) in new[] { (_direct, null, null), (_open, null, null), (_proxy, "Bearer", _hs256), (_proxy, "Bearer", _rs256), (_proxy, "Bearer", _es256), (_proxy, "Bearer", _own), (_proxy, "Basic", _basic) })
        {
            using var response = await SendAsync(client, scheme, credential);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{scheme} request answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }

        _keys.Dispose();
    }

    [Benchmark(Baseline = true, Description = "backend directly")]
    public Task<int> Direct() => RunAsync(_direct, null, null);

    [Benchmark(Description = "AuthProxy, auth off (YARP only)")]
    public Task<int> AuthOff() => RunAsync(_open, null, null);

    [Benchmark(Description = "AuthProxy, Bearer HS256")]
    public Task<int> BearerHs256() => RunAsync(_proxy, "Bearer", _hs256);

    [Benchmark(Description = "AuthProxy, Bearer RS256")]
    public Task<int> BearerRs256() => RunAsync(_proxy, "Bearer", _rs256);

    [Benchmark(Description = "AuthProxy, Bearer ES256 (named provider)")]
    public Task<int> BearerEs256() => RunAsync(_proxy, "Bearer", _es256);

    [Benchmark(Description = "AuthProxy, own token (+ revocation check)")]
    public Task<int> OwnToken() => RunAsync(_proxy, "Bearer", _own);

    [Benchmark(Description = "AuthProxy, Basic (cached verification)")]
    public Task<int> Basic() => RunAsync(_proxy, "Basic", _basic);

    private static async Task<int> RunAsync(HttpClient client, string? scheme, string? credential)
    {
        using var response = await SendAsync(client, scheme, credential);
        var body = await response.Content.ReadAsByteArrayAsync();
        return body.Length;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string? scheme, string? credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        if (scheme is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, credential);
        }

        return await client.SendAsync(request);
    }

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };

    /// <summary>A small RESTPP-like backend: the answer a query endpoint gives.</summary>
    private async Task<Uri> StartBackendAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/restpp/query/{graph}/{query}", (string graph, string query) =>
            Results.Text($$"""{"version":{"edition":"enterprise","api":"v2","schema":0},"error":false,"message":"","results":[{"graph":"{{graph}}","query":"{{query}}"}]}""", "application/json"));
        return await StartAsync(app);
    }

    private async Task<Uri> StartProxyAsync(Uri backend, Dictionary<string, string> extra)
    {
        var directory = Directory.CreateTempSubdirectory("authproxy-bench-").FullName;
        _directories.Add(directory);
        await File.WriteAllTextAsync(System.IO.Path.Combine(directory, "users.json"), BenchmarkKeys.UsersJson(PasswordHash.HashPassword(KevinPassword, PasswordAlgorithm.Pbkdf2Sha256)));
        await File.WriteAllTextAsync(System.IO.Path.Combine(directory, "routes.json"), $$"""
            {
              "ReverseProxy": {
                "Routes": { "query": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-read", "Match": { "Path": "/restpp/query/{graph}/{query}" } } },
                "Clusters": { "restpp": { "Destinations": { "main": { "Address": "{{backend}}" } } } }
              },
              "AuthPolicies": {
                "graph-read": { "Schemes": [ "Bearer", "Basic" ], "Graph": "route:graph", "Privileges": [ "READ_DATA" ], "ErrorStyle": "Restpp" }
              }
            }
            """);

        var args = new List<string> { "--urls=http://127.0.0.1:0", $"--contentRoot={directory}", "--routes", "routes.json", "--Users=@users.json", "--AuthProxy:Telemetry:Prometheus=true" };
        foreach (var (key, value) in _keys.Settings())
        {
            args.Add($"--{key}={value}");
        }

        foreach (var (key, value) in extra)
        {
            args.Add($"--{key}={value}");
        }

        var app = await AuthProxyApp.CreateAsync([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        return await StartAsync(app);
    }

    private async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
