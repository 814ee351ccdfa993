using System.Text.Json;

namespace AuthProxy.Tokens;

/// <summary>Reads a small JSON object from a request body: empty means <c>{}</c>; anything else that is not an object is refused.</summary>
internal static class RequestJson
{
    /// <summary>Bodies of the token services are tiny; anything larger is refused before parsing.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(JsonElement Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (default, $"the request body is larger than {MaxBytes} bytes");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (default, $"the request body is larger than {MaxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
        {
            return (JsonDocument.Parse("{}").RootElement.Clone(), null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, "the request body must be a JSON object");
            }

            return IsValidText(document.RootElement)
                ? (document.RootElement.Clone(), null)
                : (default, "the request body holds a string that is not valid Unicode (a lone surrogate)");
        }
        catch (JsonException)
        {
            return (default, "the request body is not valid JSON");
        }
    }

    /// <summary>Whether every string and member name decodes (JSON allows escapes of lone surrogates, which no .NET string may carry).</summary>
    private static bool IsValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        _ = member.Name;
                        if (!IsValidText(member.Value))
                        {
                            return false;
                        }
                    }

                    return true;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (!IsValidText(item))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A string member; false when present but not a string.</summary>
    public static bool TryGetString(JsonElement body, string name, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }
}
