using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace AuthProxy.Tests.Common;

public static class Http
{
    public static HttpRequestMessage Get(string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public static HttpRequestMessage WithBasic(this HttpRequestMessage request, string user, string password)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }

    public static HttpRequestMessage Json(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>What the sample backend says it received: its echo under "results".</summary>
    public static async Task<JsonElement> EchoAsync(this HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        return body.GetProperty("results");
    }

    /// <summary>
    /// Sends bytes exactly as given, bypassing HttpClient's URI normalisation. With a
    /// <paramref name="body"/>, the caller frames it (Content-Length or Transfer-Encoding in
    /// <paramref name="extraHeaders"/>); without one, a request other than GET or HEAD gets Content-Length: 0.
    /// </summary>
    public static async Task<(int Status, string Body)> RawAsync(Uri server, string requestTarget, string extraHeaders = "", string method = "GET", string? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var length = body is not null || method is "GET" or "HEAD" ? string.Empty : "Content-Length: 0\r\n";
        var request = $"{method} {requestTarget} HTTP/1.1\r\nHost: {server.Authority}\r\n{length}{extraHeaders}Connection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var statusLine = response[..response.IndexOf('\r', StringComparison.Ordinal)];
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var chunked = response[..bodyStart].Contains("\r\nTransfer-Encoding: chunked\r\n", StringComparison.OrdinalIgnoreCase);
        return (status, chunked ? Unchunk(response[bodyStart..]) : response[bodyStart..]);
    }

    /// <summary>The content of a chunked body (sizes count UTF-8 bytes, so the text is walked as bytes).</summary>
    private static string Unchunk(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var content = new MemoryStream();
        var position = 0;
        while (position < bytes.Length)
        {
            var lineEnd = Array.IndexOf(bytes, (byte)'\n', position);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(bytes, position, lineEnd - position).Trim().Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            content.Write(bytes, lineEnd + 1, Math.Min(size, bytes.Length - lineEnd - 1));
            position = lineEnd + 1 + size + 2;
        }

        return Encoding.UTF8.GetString(content.ToArray());
    }
}
