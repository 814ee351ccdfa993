using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AuthProxy.Tests.Hosting;

/// <summary>
/// A Docker Compose file read the way Compose reads it, without an engine: <c>${NAME:-default}</c>
/// takes its default (nothing from the test machine's environment leaks in), YAML merge keys
/// (<c>&lt;&lt;: *anchor</c>) are applied with the service's own keys winning, and relative host paths are taken from the file's folder.
/// </summary>
internal sealed partial class ComposeFile
{
    private readonly YamlMappingNode _services;

    private ComposeFile(string folder, YamlMappingNode root)
    {
        Folder = folder;
        Root = root;
        _services = (YamlMappingNode)Child(root, "services")!;
    }

    /// <summary>The folder the file is in: relative host paths start here.</summary>
    public string Folder { get; }

    public YamlMappingNode Root { get; }

    public IReadOnlyList<string> ServiceNames => [.. _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    public static ComposeFile Load(string path)
    {
        var text = Interpolation().Replace(File.ReadAllText(path), m => m.Value == "$$" ? "$" : m.Groups["default"].Value);
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return new ComposeFile(Path.GetDirectoryName(Path.GetFullPath(path))!, (YamlMappingNode)Merge(stream.Documents[0].RootNode));
    }

    public YamlMappingNode Service(string name) =>
        Child(_services, name) as YamlMappingNode ?? throw new InvalidOperationException($"compose.yaml has no service {name}");

    /// <summary>The scalar at <paramref name="path"/> under a service (<c>"build", "dockerfile"</c>), or null.</summary>
    public string? Scalar(string service, params string[] path)
    {
        YamlNode? node = Service(service);
        foreach (var key in path)
        {
            node = node is null ? null : Child(node, key);
        }

        return (node as YamlScalarNode)?.Value;
    }

    /// <summary>A service's environment, from either of Compose's forms (a mapping, or a list of NAME=value).</summary>
    public IReadOnlyDictionary<string, string> Environment(string service)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(Service(service), "environment"))
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    environment[((YamlScalarNode)key).Value!] = ((YamlScalarNode)value).Value ?? string.Empty;
                }

                break;
            case YamlSequenceNode list:
                foreach (var entry in list.Children.Select(e => ((YamlScalarNode)e).Value!))
                {
                    var equals = entry.IndexOf('=', StringComparison.Ordinal);
                    environment[equals < 0 ? entry : entry[..equals]] = equals < 0 ? string.Empty : entry[(equals + 1)..];
                }

                break;
        }

        return environment;
    }

    /// <summary>A service's volumes in the short form: the host path (made absolute) or volume name, the container path, read-only or not.</summary>
    public IReadOnlyList<(string Source, string Target, bool ReadOnly, bool Bind)> Volumes(string service) =>
        [.. Sequence(Service(service), "volumes").Select(v =>
        {
            var parts = v.Split(':');
            var bind = parts[0].StartsWith('.') || parts[0].StartsWith('/');
            var source = bind ? Path.GetFullPath(Path.Combine(Folder, parts[0])) : parts[0];
            return (source, parts[1], parts.Length > 2 && parts[2].Split(',').Contains("ro"), bind);
        })];

    /// <summary>A service's published ports in the short form: host address, host port, container port.</summary>
    public IReadOnlyList<(string HostAddress, int HostPort, int ContainerPort)> Ports(string service) =>
        [.. Sequence(Service(service), "ports").Select(p =>
        {
            var parts = p.Split('/')[0].Split(':');
            return parts.Length == 3
                ? (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture))
                : ("0.0.0.0", int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
        })];

    /// <summary>What a service waits for: each dependency with its condition (<c>service_started</c> for the list form).</summary>
    public IReadOnlyDictionary<string, string> DependsOn(string service) =>
        Child(Service(service), "depends_on") switch
        {
            YamlMappingNode mapping => mapping.Children.ToDictionary(
                d => ((YamlScalarNode)d.Key).Value!, d => (Child(d.Value, "condition") as YamlScalarNode)?.Value ?? "service_started", StringComparer.Ordinal),
            YamlSequenceNode list => list.Children.ToDictionary(d => ((YamlScalarNode)d).Value!, _ => "service_started", StringComparer.Ordinal),
            _ => new Dictionary<string, string>(StringComparer.Ordinal),
        };

    /// <summary>The strings of a sequence under <paramref name="key"/> (empty when absent).</summary>
    public static IReadOnlyList<string> Sequence(YamlNode node, string key) =>
        Child(node, key) is YamlSequenceNode sequence ? [.. sequence.Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    public static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>
    /// The node with YAML merge keys applied, as Compose applies them: the entries of the merged
    /// mapping (or mappings, the first winning), then the node's own entries, which win over them.
    /// </summary>
    private static YamlNode Merge(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var merged = new YamlMappingNode();
                var sources = mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var from)
                    ? from is YamlSequenceNode many ? many.Children : [from]
                    : [];
                foreach (var source in sources.Reverse().Select(Merge).Cast<YamlMappingNode>().Append(mapping))
                {
                    foreach (var (key, value) in source.Children.Where(c => c.Key is not YamlScalarNode { Value: "<<" }))
                    {
                        merged.Children[key] = Merge(value);
                    }
                }

                return merged;
            case YamlSequenceNode sequence:
                return new YamlSequenceNode(sequence.Children.Select(Merge));
            default:
                return node;
        }
    }

    /// <summary><c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c> and the escape <c>$$</c>.</summary>
    [GeneratedRegex(@"\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-(?<default>[^}]*))?\}")]
    private static partial Regex Interpolation();
}
