using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// The operator's settings file (<c>authproxy.settings.json</c>, or <c>--settings PATH</c>, or
/// <c>AUTHPROXY_SETTINGS</c>): a JSON configuration source above <c>appsettings.json</c> and below
/// environment variables and the command line, written by the <c>config</c> verbs and reloaded
/// on change. A broken edit is ignored and the last good settings stay.
/// </summary>
internal static class SettingsFile
{
    public const string DefaultName = "authproxy.settings.json";
    public const string EnvironmentVariable = "AUTHPROXY_SETTINGS";
    public const string Switch = "--settings";

    /// <summary>The settings file path: <c>--settings PATH</c>, else <c>AUTHPROXY_SETTINGS</c>, else the default in <paramref name="directory"/>.</summary>
    public static string Resolve(IReadOnlyList<string> args, string directory)
    {
        string? path = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == Switch && i + 1 < args.Count)
            {
                path = args[i + 1];
            }
            else if (args[i].StartsWith(Switch + "=", StringComparison.Ordinal))
            {
                path = args[i][(Switch.Length + 1)..];
            }
        }

        path ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? DefaultName : path, directory);
    }

    /// <summary>
    /// Adds the settings file just below the environment variables and command line. Returns the
    /// file provider watching its folder, which the caller owns (configuration rebuilds its
    /// providers, so they cannot own it).
    /// </summary>
    public static IDisposable Add(IConfigurationBuilder builder, string path)
    {
        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(System.IO.Path.GetDirectoryName(path)!);
        var source = new LastGoodJsonConfigurationSource
        {
            Path = System.IO.Path.GetFileName(path),
            Optional = true,
            ReloadOnChange = true,
            FileProvider = files,
        };

        var sources = builder.Sources;
        var index = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
        sources.Insert(index < 0 ? sources.Count : index, source);
        return files;
    }
}

/// <summary>Owns the settings file's file provider for the application's lifetime: the container disposes it with the application.</summary>
internal sealed class SettingsFileLease(IDisposable files) : IDisposable
{
    public void Dispose() => files.Dispose();
}

/// <summary>A JSON source whose reload keeps the last good data when the file is broken.</summary>
internal sealed class LastGoodJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new LastGoodJsonConfigurationProvider(this);
    }
}

internal sealed class LastGoodJsonConfigurationProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
{
    private bool _loaded;

    /// <summary>Why the last reload was refused, or null.</summary>
    public string? LastError { get; private set; }

    public override void Load(Stream stream)
    {
        try
        {
            base.Load(stream);
            LastError = null;
        }
        catch (Exception ex) when (_loaded && ex is FormatException or JsonException or InvalidDataException)
        {
            // A start with a broken file fails (with the problem listed); a later broken edit keeps what was good.
            LastError = ex.InnerException?.Message ?? ex.Message;
        }

        _loaded = true;
    }
}
