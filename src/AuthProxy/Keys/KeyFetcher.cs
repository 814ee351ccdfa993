using System.Net;
using System.Security.Authentication;
using System.Text;
using AuthProxy.Configuration;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AuthProxy.Keys;

/// <summary>
/// Fetches one key document over HTTP(S): through the resilience pipeline of the named client,
/// following redirects only on the same scheme, host and port, with a size cap. Every failure
/// comes back classified with its real cause.
/// </summary>
internal sealed class KeyFetcher
{
    private const int MaxRedirects = 3;

    private readonly IHttpClientFactory _clients;
    private readonly KeyFetchOptions _options;

    public KeyFetcher(IHttpClientFactory clients, IOptions<KeyFetchOptions> options)
    {
        _clients = clients;
        _options = options.Value;
    }

    public async Task<FetchResult> FetchAsync(string client, Uri url, CancellationToken cancellationToken)
    {
        var http = _clients.CreateClient(client);
        var current = url;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            var diagnostics = new TlsDiagnostics();
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Options.Set(KeyHttp.Diagnostics, diagnostics);
            request.Headers.Accept.ParseAdd("application/jwk-set+json, application/json;q=0.9, application/x-pem-file;q=0.8, text/plain;q=0.7, */*;q=0.1");

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex, diagnostics) is { } failure)
            {
                return failure;
            }

            using (response)
            {
                if (IsRedirect(response.StatusCode))
                {
                    if (response.Headers.Location is not { } location)
                    {
                        return FetchResult.Fail(FetchOutcome.HttpStatus, $"HTTP {(int)response.StatusCode} without a Location header");
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (!SameOrigin(current, next))
                    {
                        return FetchResult.Fail(FetchOutcome.Redirect, $"redirect to another host refused ({UrlRedaction.Redact(next.GetLeftPart(UriPartial.Authority))})");
                    }

                    current = next;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    return FetchResult.Fail(FetchOutcome.HttpStatus, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                return await ReadAsync(response, cancellationToken);
            }
        }

        return FetchResult.Fail(FetchOutcome.Redirect, $"more than {MaxRedirects} redirects");
    }

    private async Task<FetchResult> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            return FetchResult.Fail(FetchOutcome.TooLarge, $"the response is {response.Content.Headers.ContentLength} bytes, over the {limit}-byte limit");
        }

        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return FetchResult.Fail(FetchOutcome.TooLarge, $"the response exceeds the {limit}-byte limit");
                }

                buffer.Write(chunk, 0, read);
            }

            return FetchResult.Ok(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return FetchResult.Fail(ex is OperationCanceledException ? FetchOutcome.Timeout : FetchOutcome.Connect, $"reading the response failed: {ex.Message}");
        }
    }

    private static FetchResult? Classify(Exception exception, TlsDiagnostics diagnostics) => exception switch
    {
        BrokenCircuitException => FetchResult.Fail(FetchOutcome.CircuitOpen, "the circuit to this host is open after repeated failures"),
        TimeoutRejectedException timeout => FetchResult.Fail(FetchOutcome.Timeout, $"no answer within {timeout.Timeout}"),
        OperationCanceledException => FetchResult.Fail(FetchOutcome.Timeout, "the request timed out"),
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } http =>
            FetchResult.Fail(FetchOutcome.Dns, $"DNS lookup failed: {Innermost(http)}"),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } http =>
            FetchResult.Fail(FetchOutcome.Connect, $"connection failed: {Innermost(http)}"),
        HttpRequestException http when http.HttpRequestError == HttpRequestError.SecureConnectionError || http.InnerException is AuthenticationException =>
            FetchResult.Fail(FetchOutcome.Tls, $"TLS handshake refused: {diagnostics.Problem ?? Innermost(http)}"),
        HttpRequestException http => FetchResult.Fail(FetchOutcome.Other, $"request failed: {Innermost(http)}"),
        _ => null,
    };

    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception.Message;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
