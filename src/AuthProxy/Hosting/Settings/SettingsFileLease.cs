namespace AuthProxy.Hosting.Settings;

/// <summary>Owns the settings file's file provider for the application's lifetime: the container disposes it with the application.</summary>
internal sealed class SettingsFileLease(IDisposable files) : IDisposable
{
    public void Dispose() => files.Dispose();
}
