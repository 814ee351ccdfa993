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

    /// <summary>The settings file's problem (the start stops on it): a folder that does not exist, or a file that is not JSON; or none.</summary>
    public static IEnumerable<string> Problems(IConfigurationRoot configuration, string path)
    {
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
        {
            return [$"the settings file {path} cannot be read: its folder does not exist"];
        }

        return configuration.Providers.OfType<LastGoodJsonConfigurationProvider>()
            .Where(p => p.LastError is not null)
            .Select(p => $"the settings file {path} cannot be read: {p.LastError}");
    }

    /// <summary>
    /// Adds the settings file just below the environment variables and command line. Returns the
    /// file provider watching its folder, which the caller owns (configuration rebuilds its
    /// providers, so they cannot own it).
    /// </summary>
    public static IDisposable Add(IConfigurationBuilder builder, string path)
    {
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
        {
            return new NothingWatched(); // nothing to read or watch: a problem (see Problems)
        }

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

    private sealed class NothingWatched : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
