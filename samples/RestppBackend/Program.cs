using System.Text.Json;
using System.Text.Json.Serialization;

namespace RestppBackend;

/// <summary>
/// A small stand-in for TigerGraph's RESTPP server: every endpoint answers in RESTPP's envelope
/// and echoes what it received (method, path, query, headers, body), so a caller can see exactly
/// what the proxy forwarded.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        var app = builder.Build();

        // How many requests carrying an X-Probe header reached this backend with their body whole:
        // lets a caller check that a request a proxy refused mid-body was never complete here.
        app.MapGet("/_received/{probe}", (string probe) => Results.Json(new { probe, count = Echo.ReceivedWhole(probe) }, Envelope.Json));
        app.MapGet("/restpp/version", () => Results.Json(new Envelope("", new { version = "4.1.2", server = "RestppBackend sample" }), Envelope.Json));
        app.MapGet("/restpp/sleep/{ms:int}", async (int ms, HttpContext context) =>
        {
            await Task.Delay(Math.Clamp(ms, 0, 60_000), context.RequestAborted);
            return Results.Json(new Envelope("slept", await Echo.FromAsync(context)), Envelope.Json);
        });
        app.Map("/restpp/query/{graph}/{query}", async (string graph, string query, HttpContext context) =>
            Results.Json(new Envelope($"query {query} on graph {graph}", await Echo.FromAsync(context)), Envelope.Json));
        app.Map("/{**path}", async (HttpContext context) =>
            await context.Response.WriteAsJsonAsync(new Envelope("echo", await Echo.FromAsync(context)), Envelope.Json));

        await app.RunAsync();
    }
}

/// <summary>RESTPP's response envelope.</summary>
internal sealed record Envelope(string Message, object Results)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    [JsonPropertyOrder(-2)]
    public object Version { get; } = new { edition = "enterprise", api = "v2", schema = 0 };

    [JsonPropertyOrder(-1)]
    public bool Error { get; }
}

/// <summary>What the backend received.</summary>
internal sealed record Echo(string Method, string Path, string RawTarget, string Query, Dictionary<string, string> Headers, string Body)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Received = new(StringComparer.Ordinal);

    public static int ReceivedWhole(string probe) => Received.GetValueOrDefault(probe);

    public static async Task<Echo> FromAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (request.Headers.TryGetValue("X-Probe", out var probe))
        {
            Received.AddOrUpdate(probe.ToString(), 1, (_, count) => count + 1);
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        return new Echo(request.Method, request.Path.Value ?? "", rawTarget, request.QueryString.Value ?? "", headers, body);
    }
}
