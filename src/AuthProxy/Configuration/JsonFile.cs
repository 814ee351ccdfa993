using System.Text.Json;
namespace AuthProxy.Configuration;

/// <summary>Reads one JSON file into a private configuration tree, with the parser's own message on failure.</summary>
internal static class JsonFile
{
    public static bool TryLoad(string fullPath, out IConfigurationRoot configuration, out string error)
    {
        configuration = new ConfigurationBuilder().Build();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : $"the file cannot be read: {ex.Message}";
            return false;
        }

        return TryParse(bytes, out configuration, out error);
    }

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static bool TryParse(byte[] content, out IConfigurationRoot configuration, out string error)
    {
        // Configuration keys are case-insensitive and the configuration parser lets a later
        // duplicate win silently; a security file must not mean two things, so refuse duplicates.
        if (FindDuplicateKey(content) is { } duplicate)
        {
            configuration = new ConfigurationBuilder().Build();
            error = duplicate;
            return false;
        }

        try
        {
            using var stream = new MemoryStream(content, writable: false);
            configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException)
        {
            configuration = new ConfigurationBuilder().Build();
            // System.Text.Json's own message carries the line and position.
            error = "invalid JSON: " + (ex.InnerException?.Message ?? ex.Message);
            return false;
        }
    }

    private static string? FindDuplicateKey(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, DocumentOptions);
            return FindDuplicateKey(document.RootElement, "$");
        }
        catch (JsonException)
        {
            return null; // the configuration parser reports malformed JSON with its own message
        }
    }

    private static string? FindDuplicateKey(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        return $"duplicate key '{property.Name}' in {path} (keys are case-insensitive)";
                    }

                    if (FindDuplicateKey(property.Value, $"{path}.{property.Name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindDuplicateKey(item, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
