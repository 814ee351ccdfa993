namespace AuthProxy.Configuration;

/// <summary>Reads a list setting: its children in order, or its single value.</summary>
internal static class ConfigurationLists
{
    public static List<string> Read(IConfigurationSection section) =>
        !string.IsNullOrEmpty(section.Value)
            ? [section.Value]
            : section.GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
}
