using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AuthProxy.Configuration;
using AuthProxy.Hosting;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Key URLs that carry credentials (a signed query string, user info), configured and found by
/// discovery and in redirects: the credentials never reach /metrics, /readyz, a log line, a span,
/// a start-up problem or the config verbs' output, failing or succeeding; the redacted URL does.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KeyUrlSecretTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Signature = "SIGNATUREa1b2c3d4e5SECRET";
    private const string Credential = "CREDENTIALf6g7h8SECRET";
    private const string Password = "PASSWORDi9j0k1SECRET";

    private static readonly string[] Secrets = [Signature, Credential, Password];

    private readonly TestCertificateAuthority _ca = new();
    private readonly List<Activity> _spans = [];
    private readonly List<LogRecord> _logs = [];
    private WireMockServer _idp = null!;
    private string _bundle = null!;

    private int Port => _idp.Ports[0];

    private string Query => $"X-Amz-Signature={Signature}&X-Amz-Credential={Credential}";

    public Task InitializeAsync()
    {
        _idp = Start(_ca.IssueServer("localhost"));
        _bundle = _ca.WriteBundle(ProxyHost.CreateDirectory());
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _idp.Dispose();
        _ca.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SignedKeyUrls_FailingThenSucceeding_NeverShowTheirCredentials()
    {
        using var signedKey = TestKey.Ec("signed-1");
        using var discoveredKey = TestKey.Rsa("discovered-1");
        using var movedKey = TestKey.Ec("moved-1");
        var tenant = $"https://localhost:{Port}/tenant";
        // Failing first: the signed URL answers 503, discovery names an http jwks_uri, the redirect leaves the host.
        _idp.Serve("/signed/jwks", Response.Create().WithStatusCode(503));
        _idp.Serve("/tenant/.well-known/openid-configuration", Ok(Discovery(tenant, $"http://keys:{Password}@localhost:{Port}/tenant/jwks?{Query}")));
        _idp.Serve("/moved", Redirect($"https://keys:{Password}@127.0.0.1:{Port}/moved/jwks?{Query}"));

        // The real clock: the retries (and Polly's line about them) wait for real delays.
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:CaCertificate"] = _bundle,
            ["AuthProxy:Telemetry:Tracing"] = "true", // spans are recorded only when asked for or exported
            ["Security:JWT:Providers:signed:Issuer"] = "https://signed.example",
            ["Security:JWT:Providers:signed:Keys:0"] = $"https://keys:{Password}@localhost:{Port}/signed/jwks?{Query}",
            ["Security:JWT:Providers:discovered:Issuer"] = tenant,
            ["Security:JWT:Providers:moved:Issuer"] = "https://moved.example",
            ["Security:JWT:Providers:moved:Keys:0"] = $"https://localhost:{Port}/moved?{Query}",
            ["AuthProxy:KeyFetch:MaxRetries"] = "1",
            ["AuthProxy:KeyFetch:RetryDelay"] = "00:00:00.010",
            ["AuthProxy:KeyFetch:MinimumRefreshInterval"] = "00:00:01",
            ["AuthProxy:KeyFetch:RefreshInterval"] = "00:00:10",
            // Every log line, the HttpClient factory's and Polly's included.
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Logging:LogLevel:Polly"] = "Trace",
        }, configure: builder => builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(_spans))
            .WithLogging(logging => logging.AddInMemoryExporter(_logs)));

        var signedSource = $"Security:JWT:Providers:signed:Keys:0 (https://…@localhost:{Port}/signed/jwks?…)";
        var shown = new List<string>();
        using (var ready = await proxy.Client.GetAsync("/readyz"))
        {
            var body = await ready.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains(signedSource, body, StringComparison.Ordinal);
            shown.Add(body);
        }

        var failing = await proxy.Client.GetStringAsync("/metrics");
        Assert.Contains($"source=\"{signedSource}\"", failing, StringComparison.Ordinal);
        shown.Add(failing);
        var failures = proxy.Logs.GetSnapshot().Where(r => r.Id.Id == 1311).Select(r => r.Message).ToList();
        Assert.Contains(failures, m => m.Contains($"from https://…@localhost:{Port}/signed/jwks?… failed (http_status)", StringComparison.Ordinal));
        Assert.Contains(failures, m => m.Contains($"jwks_uri 'http://…@localhost:{Port}/tenant/jwks?…' is not an https URL", StringComparison.Ordinal));
        Assert.Contains(failures, m => m.Contains($"redirect to another host refused (https://…@127.0.0.1:{Port})", StringComparison.Ordinal));
        // The 503 was retried: Polly's line names the pipeline, by origin.
        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Category?.StartsWith("Polly", StringComparison.Ordinal) == true
            && r.Message.Contains($"https://localhost:{Port}", StringComparison.Ordinal));

        // The providers recover: the signed URL answers, discovery names an https jwks_uri, the redirect stays on the host.
        _idp.Serve("/signed/jwks", Ok(TestKey.Jwks(signedKey)));
        _idp.Serve("/tenant/.well-known/openid-configuration", Ok(Discovery(tenant, $"https://keys:{Password}@localhost:{Port}/tenant/jwks?{Query}")));
        _idp.Serve("/tenant/jwks", Ok(TestKey.Jwks(discoveredKey)));
        _idp.Serve("/moved", Redirect($"/moved/jwks?{Query}"));
        _idp.Serve("/moved/jwks", Ok(TestKey.Jwks(movedKey)));
        await ProxyHost.EventuallyAsync(async () =>
        {
            using var ready = await proxy.Client.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        }, "every key source loads");

        foreach (var (key, issuer) in new[] { (signedKey, "https://signed.example"), (discoveredKey, tenant), (movedKey, "https://moved.example") })
        {
            var claims = TestTokens.Claims("kevin", "social");
            claims["iss"] = issuer;
            using var allowed = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", key.Sign(claims)));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        shown.Add(await proxy.Client.GetStringAsync("/readyz"));
        // The scrape endpoint keeps its last answer for a moment (300 ms): ask until the loaded keys show.
        var succeeding = string.Empty;
        await ProxyHost.EventuallyAsync(async () =>
        {
            succeeding = await proxy.Client.GetStringAsync("/metrics");
            return succeeding.Split('\n').Any(line => line.StartsWith("authproxy_keys_in_force{", StringComparison.Ordinal)
                && line.Contains($"source=\"{signedSource}\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal));
        }, "the metrics show the signed key in force");
        shown.Add(succeeding);

        // Logs as the logger sees them and as the exporter sends them; spans with every attribute and event.
        foreach (var record in proxy.Logs.GetSnapshot())
        {
            shown.Add(record.Message);
            shown.AddRange(record.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? []);
            shown.AddRange(record.Scopes.Select(s => s?.ToString() ?? string.Empty));
            shown.Add(record.Exception?.ToString() ?? string.Empty);
        }

        proxy.Services.GetRequiredService<LoggerProvider>().ForceFlush();
        lock (_logs)
        {
            foreach (var record in _logs)
            {
                shown.Add(record.FormattedMessage ?? string.Empty);
                shown.AddRange(record.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
            }
        }

        List<Activity> spans;
        lock (_spans)
        {
            spans = [.. _spans];
        }

        foreach (var span in spans)
        {
            shown.Add(span.DisplayName);
            shown.Add(span.StatusDescription ?? string.Empty);
            shown.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            shown.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")));
        }

        // The key fetches were traced, their outgoing requests too, with AuthProxy's redaction in url.full
        // (not System.Net.Http's, which DOTNET_SYSTEM_NET_HTTP_DISABLEURIREDACTION turns off).
        Assert.Contains(spans, s => s.OperationName == "authproxy.key.fetch" && (string?)s.GetTagItem("authproxy.key.source") == signedSource);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && (string?)s.GetTagItem("url.full") == $"https://…@localhost:{Port}/signed/jwks?…");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Client && (string?)s.GetTagItem("url.full") == $"https://localhost:{Port}/moved/jwks?…");

        Assert.Contains(proxy.Logs.GetSnapshot(), r => r.Id.Id == 1320 && r.Message.Contains($"https://…@localhost:{Port}/signed/jwks?…", StringComparison.Ordinal));

        foreach (var secret in Secrets)
        {
            var leak = shown.FirstOrDefault(s => s.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"{secret} was shown: {leak}");
        }
    }

    [Fact]
    public async Task StartupProblems_NameTheKeyUrl_WithoutItsCredentials()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["Security:JWT:Providers:plain:Issuer"] = "https://plain.example",
                ["Security:JWT:Providers:plain:Keys:0"] = $"http://keys:{Password}@localhost:{Port}/jwks?{Query}",
                ["Security:JWT:Providers:broken:Issuer"] = "https://broken.example",
                ["Security:JWT:Providers:broken:Keys:0"] = $"https://keys:{Password}@local host/jwks?{Query}",
                ["Security:JWT:Providers:nokeys:Issuer"] = $"http://keys:{Password}@localhost/issuer?{Query}",
            }));

        var problems = string.Join("\n", failure.Problems);
        Assert.Contains($"Security:JWT:Providers:plain:Keys:0 (http://…@localhost:{Port}/jwks?…): key URLs must be absolute https URLs", problems, StringComparison.Ordinal);
        Assert.Contains("Security:JWT:Providers:broken:Keys:0 (https://…@local host/jwks?…): key URLs must be absolute https URLs", problems, StringComparison.Ordinal);
        Assert.Contains("needs an https Issuer URL (got 'http://…@localhost/issuer?…')", problems, StringComparison.Ordinal);
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, problems, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigVerbs_ShowKeyUrls_WithTheirCredentialsHidden()
    {
        var directory = ProxyHost.CreateDirectory();
        var settings = Path.Combine(directory, "authproxy.settings.json");
        var keys = $"https://keys:{Password}@localhost:{Port}/signed/jwks?{Query}";

        var issuer = await ConfigAsync(settings, "set", "Security.JWT.Providers.signed.Issuer", "https://signed.example");
        var set = await ConfigAsync(settings, "set", "Security.JWT.Providers.signed.Keys", keys);
        var hmac = await ConfigAsync(settings, "set", "Security.JWT.HMAC.Secret", keys);
        var get = await ConfigAsync(settings, "get", "Security.JWT.Providers.signed.Keys");
        var list = await ConfigAsync(settings, "list");
        var refused = await ConfigAsync(settings, "set", "Security.JWT.RSA.PublicKey", $"http://keys:{Password}@localhost:{Port}/rsa.pem?{Query}");
        var entry = await ConfigAsync(settings, "entry", "security");

        Assert.True(issuer.Exit == 0, issuer.Error);
        Assert.True(set.Exit == 0, set.Error);
        Assert.Equal(0, hmac.Exit);
        Assert.Equal(2, refused.Exit); // a problem with the settings
        Assert.Contains(keys, await File.ReadAllTextAsync(settings), StringComparison.Ordinal);
        var hidden = $"https://(hidden)@localhost:{Port}/signed/jwks?(hidden)";
        Assert.Equal(hidden, get.Output.Trim());
        Assert.Contains($"Security.JWT.Providers.signed.Keys: {hidden}", list.Output, StringComparison.Ordinal);
        Assert.Contains($"Security.JWT.HMAC.Secret: {hidden}", list.Output, StringComparison.Ordinal);
        Assert.Contains($"Security.JWT.HMAC.Secret [ {hidden} ]", entry.Output, StringComparison.Ordinal);
        Assert.Contains($"Security:JWT:RSA:PublicKey (http://…@localhost:{Port}/rsa.pem?…): key URLs must be absolute https URLs", refused.Error, StringComparison.Ordinal);
        foreach (var text in new[] { set, issuer, hmac, get, list, refused, entry }.SelectMany(r => new[] { r.Output, r.Error }))
        {
            Assert.All(Secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    private static async Task<(int Exit, string Output, string Error)> ConfigAsync(string settings, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(["config", "--settings", settings, .. args], new StringReader(string.Empty), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Discovery(string issuer, string jwksUri) => new JsonObject { ["issuer"] = issuer, ["jwks_uri"] = jwksUri }.ToJsonString();

    private static IResponseBuilder Redirect(string location) => Response.Create().WithStatusCode(302).WithHeader("Location", location);
}
