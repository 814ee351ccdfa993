using Microsoft.Extensions.Configuration.Json;

namespace AuthProxy.Hosting.Settings;

/// <summary>A JSON source whose reload keeps the last good data when the file is broken.</summary>
internal sealed class LastGoodJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new LastGoodJsonConfigurationProvider(this);
    }
}
