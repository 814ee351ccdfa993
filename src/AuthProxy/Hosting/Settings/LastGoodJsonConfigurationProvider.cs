using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;

namespace AuthProxy.Hosting.Settings;

internal sealed class LastGoodJsonConfigurationProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
{

    /// <summary>Why the last reload was refused, or null.</summary>
    public string? LastError { get; private set; }

    public override void Load(Stream stream)
    {
        try
        {
            base.Load(stream);
            LastError = null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidDataException)
        {
            // A start with a broken file fails with the problem listed (SettingsFile.Problems); a later broken edit keeps what was good.
            LastError = ex.InnerException?.Message ?? ex.Message;
        }
    }
}
