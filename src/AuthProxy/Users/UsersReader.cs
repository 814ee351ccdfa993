using System.Collections.Frozen;
using System.Text.RegularExpressions;
using AuthProxy.Configuration;

namespace AuthProxy.Users;

/// <summary>
/// Reads the <c>Users</c> section (inline, or <c>"@path"</c> naming a JSON file with a
/// <c>Users</c> object) into users, reporting every problem.
/// </summary>
internal static partial class UsersReader
{
    public const string SectionName = "Users";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.OrdinalIgnoreCase) { "PasswordHash", "Graphs", "Privileges" };

    /// <summary>Where the users come from: the file named by <c>"Users": "@path"</c>, or null for inline.</summary>
    public static string? FilePath(IConfiguration configuration, string contentRoot)
    {
        var value = configuration.GetSection(SectionName).Value;
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var reference = ValueReference.Parse(value, contentRoot);
        return reference.Kind == ValueReferenceKind.File ? reference.Value : null;
    }

    public static IReadOnlyDictionary<string, User> Read(IConfiguration configuration, string contentRoot, List<string> problems)
    {
        var section = configuration.GetSection(SectionName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            var reference = ValueReference.Parse(section.Value, contentRoot);
            if (reference.Kind != ValueReferenceKind.File)
            {
                problems.Add("Users: a string value must be \"@path\" naming a JSON file with a \"Users\" object");
                return FrozenDictionary<string, User>.Empty;
            }

            if (!JsonFile.TryLoad(reference.Value, out var fileConfiguration, out var error))
            {
                problems.Add($"Users file {reference.Value}: {error}");
                return FrozenDictionary<string, User>.Empty;
            }

            section = fileConfiguration.GetSection(SectionName);
            if (!section.Exists())
            {
                problems.Add($"Users file {reference.Value}: it has no \"Users\" object");
                return FrozenDictionary<string, User>.Empty;
            }
        }

        var users = new Dictionary<string, User>(StringComparer.Ordinal);
        foreach (var entry in section.GetChildren())
        {
            if (ReadUser(entry, problems) is { } user)
            {
                users[user.Name] = user;
            }
        }

        return users;
    }

    private static User? ReadUser(IConfigurationSection entry, List<string> problems)
    {
        var name = entry.Key;
        var where = $"Users:{name}";
        var before = problems.Count;
        if (!UserNamePattern().IsMatch(name))
        {
            problems.Add($"{where}: a user name is 1 to 128 characters with no spaces, ':' or control characters");
        }

        foreach (var child in entry.GetChildren())
        {
            if (string.Equals(child.Key, "Password", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: plain-text passwords are not accepted; set PasswordHash to the output of 'hash-password'");
            }
            else if (!KnownKeys.Contains(child.Key))
            {
                problems.Add($"{where}: unknown setting '{child.Key}' (expected PasswordHash, Graphs, Privileges)");
            }
        }

        PasswordHash? hash = null;
        var phc = entry["PasswordHash"];
        if (phc is not null && !PasswordHash.TryParse(phc, out hash, out var hashError))
        {
            problems.Add($"{where}:PasswordHash: {hashError}");
        }

        var graphs = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        foreach (var graph in entry.GetSection("Graphs").GetChildren())
        {
            if (!GraphNamePattern().IsMatch(graph.Key))
            {
                problems.Add($"{where}:Graphs: '{graph.Key}' is not a graph name or '*'");
                continue;
            }

            graphs[graph.Key] = ReadPrivileges(graph, $"{where}:Graphs:{graph.Key}", problems);
        }

        var privileges = ReadPrivileges(entry.GetSection("Privileges"), $"{where}:Privileges", problems);
        return problems.Count == before ? new User(name, hash, graphs, privileges) : null;
    }

    public static FrozenSet<string> ReadPrivileges(IConfigurationSection section, string where, List<string> problems)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(section.Value))
        {
            problems.Add($"{where}: expected a list of privileges, not a single value");
        }

        foreach (var item in section.GetChildren())
        {
            if (item.Value is not { } privilege || !PrivilegePattern().IsMatch(privilege))
            {
                problems.Add($"{where}: '{item.Value}' is not a privilege name (letters, digits and '_')");
                continue;
            }

            set.Add(privilege);
        }

        return set.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether a user could be declared with this name: a name that cannot is nobody's, whoever asks.</summary>
    public static bool CanBeUserName(string name) => UserNamePattern().IsMatch(name);

    /// <summary>Whether a users file could grant on a graph of this name (or <c>*</c>).</summary>
    public static bool CanBeGraphName(string name) => GraphNamePattern().IsMatch(name);

    [GeneratedRegex(@"^[^\s:\p{C}]{1,128}\z")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^(\*|[^\s:\p{C}*]{1,128})\z")]
    private static partial Regex GraphNamePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]{0,63}\z")]
    internal static partial Regex PrivilegePattern();
}
