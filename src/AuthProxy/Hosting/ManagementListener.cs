using System.Collections.Frozen;
using AuthProxy.Configuration;

namespace AuthProxy.Hosting;

/// <summary>
/// The management listener (<c>AuthProxy:Management:Urls</c>) beside the main one. Read once from
/// the configuration as the operator gave it; Kestrel is then told to listen there too, in the
/// same form the main listener was given (<c>urls</c>/ports, or <c>Kestrel:Endpoints</c>), so the
/// operator's main listener is kept as it was. A request is on the management listener when it
/// arrived on one of its ports: ports are fixed and differ from the main listener's.
/// </summary>
internal sealed class ManagementListener
{
    /// <summary>Kestrel's own default when nothing says where to listen.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    private const string Setting = $"{ManagementOptions.SectionName}:{nameof(ManagementOptions.Urls)}";

    private readonly bool _asEndpoints;

    private ManagementListener(IReadOnlyList<string> urls, IReadOnlyList<string> main, bool asEndpoints, FrozenSet<int> ports, IReadOnlyList<string> problems)
    {
        Urls = urls;
        Main = main;
        _asEndpoints = asEndpoints;
        Ports = ports;
        Problems = problems;
    }

    /// <summary>Whether a management listener is configured.</summary>
    public bool Enabled => Urls.Count > 0;

    /// <summary>The management listener's URLs.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>The main listener's URLs, as the configuration gives them.</summary>
    public IReadOnlyList<string> Main { get; }

    /// <summary>The management listener's ports.</summary>
    public FrozenSet<int> Ports { get; }

    /// <summary>Why the setting cannot be used; empty when it can (or is not set).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Whether the request came in on the management listener (by the connection's local port, never the Host header).</summary>
    public bool IsManagement(HttpContext context) => Enabled && Ports.Contains(context.Connection.LocalPort);

    /// <summary>Reads the setting and the main listener from <paramref name="configuration"/>, listing every problem.</summary>
    public static ManagementListener Read(IConfiguration configuration)
    {
        var urls = (configuration[Setting] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (main, asEndpoints) = MainListener(configuration);
        var mainPorts = new Dictionary<int, string>();
        foreach (var url in main)
        {
            if (TryParse(url, out var address) && !address.IsUnixPipe && !address.IsNamedPipe)
            {
                mainPorts.TryAdd(address.Port, url);
            }
        }

        var problems = new List<string>();
        var ports = new HashSet<int>();
        foreach (var url in urls)
        {
            var shown = UrlRedaction.Redact(url);
            if (!TryParse(url, out var address))
            {
                problems.Add($"{Setting}: '{shown}' is not a URL Kestrel can listen on (http://HOST:PORT)");
                continue;
            }

            if (address.IsUnixPipe || address.IsNamedPipe)
            {
                problems.Add($"{Setting}: '{shown}' is a socket or pipe; the management listener needs a port of its own to be told apart from the main listener");
                continue;
            }

            if (address.Scheme is not ("http" or "https"))
            {
                problems.Add($"{Setting}: '{shown}' must be an http or https URL");
            }

            if (address.PathBase.Length > 0)
            {
                problems.Add($"{Setting}: '{shown}' has a path; give scheme, host and port only");
            }

            if (address.Port == 0)
            {
                problems.Add($"{Setting}: '{shown}' has port 0, chosen at start, so its requests could not be told apart from the main listener's; give a fixed port");
            }
            else if (mainPorts.TryGetValue(address.Port, out var taken))
            {
                problems.Add($"{Setting}: '{shown}' uses port {address.Port}, which the main listener uses too ({UrlRedaction.Redact(taken)}); give the management listener a port of its own");
            }

            ports.Add(address.Port);
        }

        return new ManagementListener(urls, main, asEndpoints, ports.ToFrozenSet(), problems);
    }

    /// <summary>
    /// Adds the management URLs to where Kestrel listens, in the form the main listener was given,
    /// on top of every other configuration source. Nothing is added when the setting has problems:
    /// the start stops on them.
    /// </summary>
    public void Listen(IConfigurationBuilder configuration)
    {
        if (!Enabled || Problems.Count > 0)
        {
            return;
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_asEndpoints)
        {
            for (var i = 0; i < Urls.Count; i++)
            {
                settings[$"Kestrel:Endpoints:AuthProxyManagement{i}:Url"] = Urls[i];
            }
        }
        else
        {
            // The ports settings are emptied: they are now spelled out in urls (and Kestrel would
            // warn that urls override them).
            settings[WebHostDefaults.ServerUrlsKey] = string.Join(';', Main.Concat(Urls));
            settings[WebHostDefaults.HttpPortsKey] = string.Empty;
            settings[WebHostDefaults.HttpsPortsKey] = string.Empty;
        }

        configuration.AddInMemoryCollection(settings);
    }

    /// <summary>
    /// The main listener as Kestrel will choose it: <c>Kestrel:Endpoints</c> when there are any
    /// (unless <c>preferHostingUrls</c> and <c>urls</c> are both set), else <c>urls</c>, else
    /// <c>http_ports</c>/<c>https_ports</c>, else Kestrel's default.
    /// </summary>
    private static (IReadOnlyList<string> Urls, bool AsEndpoints) MainListener(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u!.Trim()).ToList();
        var urls = Split(configuration[WebHostDefaults.ServerUrlsKey]);
        var preferUrls = string.Equals(configuration[WebHostDefaults.PreferHostingUrlsKey], "true", StringComparison.OrdinalIgnoreCase)
            || configuration[WebHostDefaults.PreferHostingUrlsKey] == "1";
        if (endpoints.Count > 0 && !(preferUrls && urls.Count > 0))
        {
            return (endpoints, true);
        }

        if (urls.Count > 0)
        {
            return (urls, false);
        }

        var ports = Split(configuration[WebHostDefaults.HttpPortsKey]).Select(p => $"http://*:{p}")
            .Concat(Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(p => $"https://*:{p}"))
            .ToList();
        return (ports.Count > 0 ? ports : [KestrelDefault], false);
    }

    private static List<string> Split(string? value) =>
        [.. (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static bool TryParse(string url, out BindingAddress address)
    {
        try
        {
            address = BindingAddress.Parse(url);
            return true;
        }
        catch (FormatException)
        {
            address = null!;
            return false;
        }
    }
}
