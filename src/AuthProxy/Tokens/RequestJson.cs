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

        var bytes = buffer.ToArray();
        if (Problem(bytes) is { } problem)
        {
            return (default, "the request body " + problem);
        }

        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? (document.RootElement.Clone(), null)
            : (default, "the request body must be a JSON object");
    }

    /// <summary>The phrase for JSON text that does not parse.</summary>
    public const string NotJson = "is not valid JSON";

    /// <summary>
    /// What is wrong with a request body as JSON, as a phrase to follow "the request body" (null when
    /// nothing is): not JSON (<see cref="NotJson"/>), a string or member name that is not valid Unicode
    /// (a lone surrogate escape, invalid UTF-8: no .NET string can hold it, so no reader agrees on
    /// it), or a member name twice in one object, in any spelling (JSON readers disagree on which one
    /// counts: the first, the last, or an error). Checked at every depth, in one pass.
    /// </summary>
    public static string? Problem(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!names.Peek().Add(name))
                        {
                            return $"has the member '{Errors.Denials.Show(name)}' twice in one object";
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped || !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan):
                        _ = reader.GetString();
                        break;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return NotJson;
        }
        catch (InvalidOperationException)
        {
            return "holds a string that is not valid Unicode (a lone surrogate or invalid UTF-8)";
        }
    }

    /// <summary>How deep a request body may nest (System.Text.Json's default).</summary>
    private const int MaxDepth = 64;

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
