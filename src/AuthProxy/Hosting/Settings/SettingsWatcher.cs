using AuthProxy.Telemetry;
using Microsoft.Extensions.Primitives;

namespace AuthProxy.Hosting.Settings;

/// <summary>
/// Watches the configuration for changes: logs a refused settings file edit, and names the
/// changed settings that only take effect after a restart (never their values). Users, routes,
/// key files and log levels apply at once.
/// </summary>
internal sealed partial class SettingsWatcher : IHostedService, IDisposable
{
    private static readonly string[] RestartSections = ["RESTPP", "Security", "GSQL", "AuthProxy"];
    private static readonly string[] HotKeys = ["AuthProxy:RoutesFile"];

    private readonly IConfigurationRoot? _configuration;
    private readonly ILogger<SettingsWatcher> _logger;
    private Dictionary<string, string?> _applied = [];
    private string? _lastError;
    private IDisposable? _subscription;

    public SettingsWatcher(IConfiguration configuration, ILogger<SettingsWatcher> logger)
    {
        _configuration = configuration as IConfigurationRoot;
        _logger = logger;
    }

    /// <summary>Whether changing <paramref name="key"/> needs a restart.</summary>
    public static bool NeedsRestart(string key) =>
        RestartSections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
        && !HotKeys.Contains(key, StringComparer.OrdinalIgnoreCase);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_configuration is not null)
        {
            _applied = Snapshot(_configuration);
            _subscription = ChangeToken.OnChange(_configuration.GetReloadToken, OnChanged);
        }

        return Task.CompletedTask;
    }

    private void OnChanged()
    {
        var error = _configuration!.Providers.OfType<LastGoodJsonConfigurationProvider>().Select(p => p.LastError).FirstOrDefault(e => e is not null);
        if (error is not null && error != _lastError)
        {
            Log.SettingsRefused(_logger, error);
        }

        _lastError = error;
        var current = Snapshot(_configuration);
        var changed = current.Keys.Union(_applied.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(k => !string.Equals(current.GetValueOrDefault(k), _applied.GetValueOrDefault(k), StringComparison.Ordinal))
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (changed.Count > 0)
        {
            Log.RestartNeeded(_logger, string.Join(", ", changed));
        }
    }

    private static Dictionary<string, string?> Snapshot(IConfiguration configuration) =>
        RestartSections.SelectMany(s => configuration.GetSection(s).AsEnumerable())
            .Where(p => p.Value is not null && NeedsRestart(p.Key))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SettingsRefused, Level = LogLevel.Error, Message = "Settings file change refused, the last good settings stay: {Problem}")]
        public static partial void SettingsRefused(ILogger logger, string problem);

        [LoggerMessage(EventId = LogEvents.SettingsNeedRestart, Level = LogLevel.Warning, Message = "Settings changed that take effect only after a restart: {Keys}")]
        public static partial void RestartNeeded(ILogger logger, string keys);
    }
}
