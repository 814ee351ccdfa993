using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Http.Logging;

namespace AuthProxy.Keys;

/// <summary>
/// The key clients' request log lines (in place of the HttpClient factory's): each request's URL
/// through <see cref="UrlRedaction"/>, so neither a signed query nor user info reaches a log.
/// </summary>
internal sealed partial class KeyHttpLogger(ILogger<KeyHttpLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    // Key fetches are rare: the redaction costs nothing worth guarding.
    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        var url = Shown(request);
        var status = (int)response.StatusCode;
        Log.Answered(logger, request.Method.Method, url, status, elapsed.TotalMilliseconds);
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        var url = Shown(request);
        var error = exception.GetType().Name;
        var message = UrlRedaction.RedactAll(exception.Message);
        Log.Failed(logger, request.Method.Method, url, elapsed.TotalMilliseconds, error, message);
    }

    private static string Shown(HttpRequestMessage request) => request.RequestUri is { } url ? UrlRedaction.Redact(url) : string.Empty;

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.KeyRequestAnswered, Level = LogLevel.Debug, Message = "Key request {Method} {Url} answered {Status} in {ElapsedMs:0.0} ms")]
        public static partial void Answered(ILogger logger, string method, string url, int status, double elapsedMs);

        [LoggerMessage(EventId = LogEvents.KeyRequestFailed, Level = LogLevel.Debug, Message = "Key request {Method} {Url} failed after {ElapsedMs:0.0} ms: {Error}: {Message}")]
        public static partial void Failed(ILogger logger, string method, string url, double elapsedMs, string error, string message);
    }
}
