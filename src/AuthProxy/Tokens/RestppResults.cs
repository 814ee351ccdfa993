using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthProxy.Tokens;

/// <summary>TigerGraph's success bodies: <c>{"error":false,"message":...,"results":...}</c>.</summary>
internal static class RestppResults
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task OkAsync(HttpContext context, string message, object? results = null) =>
        WriteAsync(context, new { error = false, message, results });

    public static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(body, Json, "application/json", context.RequestAborted);
    }
}
