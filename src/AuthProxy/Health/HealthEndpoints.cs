using System.Text.Json;
using AuthProxy.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthProxy.Health;

/// <summary>
/// <c>GET /healthz</c> (the process is alive) and <c>GET /readyz</c> (it can decide requests), on
/// both listeners. With a management listener, <c>/readyz</c> names each check's state and
/// description only there; the main listener answers with the overall status alone.
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    // Descriptions are plain text for operators: a redacted URL's marker (…) is written as it is, not as \u2026.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Map(WebApplication app)
    {
        var listener = app.Services.GetRequiredService<ManagementListener>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (context, report) => WriteAsync(context, report, detailed: true) })
            .WithMetadata(ManagementEndpoint.Both);
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = (context, report) =>
            {
                context.RequestServices.GetRequiredService<ReadinessLog>().Observe(report);
                return WriteAsync(context, report, detailed: !listener.Enabled || listener.IsManagement(context));
            },
        }).WithMetadata(ManagementEndpoint.Both);
    }

    private static Task WriteAsync(HttpContext context, HealthReport report, bool detailed)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        object body = detailed
            ? new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            }
            : new { status = report.Status.ToString() };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}
