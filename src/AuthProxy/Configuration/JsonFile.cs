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

    public static bool TryParse(byte[] content, out IConfigurationRoot configuration, out string error)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            configuration = new ConfigurationBuilder().Build();
            // System.Text.Json's own message carries the line and position.
            error = "invalid JSON: " + (ex.InnerException?.Message ?? ex.Message);
            return false;
        }
    }
}
