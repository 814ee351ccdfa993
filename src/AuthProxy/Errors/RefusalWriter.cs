using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthProxy.Errors;

/// <summary>
/// The one place refusal bodies and headers are written: TigerGraph's REST-10016 shape or RFC 7807.
/// </summary>
internal static class RefusalWriter
{
    public const string BearerChallenge = "Bearer error=\"invalid_token\"";
    public const string BearerForbidden = "Bearer error=\"insufficient_scope\"";
    public const string BasicChallenge = "Basic realm=\"AuthProxy\", charset=\"UTF-8\"";

    // Only what JSON itself needs is escaped, so the TigerGraph wordings read as documented
    // (the body is never served as HTML: Content-Type is JSON and nosniff is set).
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText Edition = JsonEncodedText.Encode("edition");
    private static readonly JsonEncodedText Enterprise = JsonEncodedText.Encode("enterprise");
    private static readonly JsonEncodedText Api = JsonEncodedText.Encode("api");
    private static readonly JsonEncodedText V2 = JsonEncodedText.Encode("v2");
    private static readonly JsonEncodedText Schema = JsonEncodedText.Encode("schema");
    private static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    private static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");

    /// <summary>
    /// Writes <paramref name="refusal"/> in the request's error style (<see cref="Routing.RequestErrorStyle"/>),
    /// unless the response has already started (then the connection is the only thing left to
    /// signal with, and it is aborted).
    /// </summary>
    /// <param name="challenges">The <c>WWW-Authenticate</c> values for a 401 or 403; may be empty.</param>
    public static Task WriteAsync(HttpContext context, Refusal refusal, ReadOnlySpan<string> challenges = default)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        var style = Routing.RequestErrorStyle.Of(context);

        response.StatusCode = refusal.Status;
        context.Features.Set(new WrittenRefusal(refusal));
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        if (refusal.RetryAfter is { } retryAfter)
        {
            headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!challenges.IsEmpty)
        {
            headers.WWWAuthenticate = challenges.Length == 1 ? challenges[0] : challenges.ToArray();
        }

        response.ContentType = style == ErrorStyle.Problem ? "application/problem+json" : "application/json";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            if (style == ErrorStyle.Problem)
            {
                WriteProblem(writer, refusal);
            }
            else
            {
                WriteRestpp(writer, refusal);
            }
        }

        return response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    /// <summary>The body alone, for tests and for services that build their own responses.</summary>
    public static void WriteBody(IBufferWriter<byte> output, Refusal refusal, ErrorStyle style)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        if (style == ErrorStyle.Problem)
        {
            WriteProblem(writer, refusal);
        }
        else
        {
            WriteRestpp(writer, refusal);
        }
    }

    private static void WriteRestpp(Utf8JsonWriter writer, Refusal refusal)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(Version);
        writer.WriteString(Edition, Enterprise);
        writer.WriteString(Api, V2);
        writer.WriteNumber(Schema, 0);
        writer.WriteEndObject();
        writer.WriteBoolean(Error, true);
        writer.WriteString(Message, refusal.Message);
        writer.WriteString(Code, refusal.Code);
        writer.WriteString(Reason, refusal.Reason);
        writer.WriteEndObject();
    }

    private static void WriteProblem(Utf8JsonWriter writer, Refusal refusal)
    {
        writer.WriteStartObject();
        writer.WriteString(Title, ReasonPhrases.GetReasonPhrase(refusal.Status));
        writer.WriteNumber(Status, refusal.Status);
        writer.WriteString(Detail, refusal.Message);
        writer.WriteString(Code, refusal.Code);
        writer.WriteString(Reason, refusal.Reason);
        writer.WriteEndObject();
    }
}
