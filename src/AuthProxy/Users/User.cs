using System.Collections.Frozen;

namespace AuthProxy.Users;

/// <summary>
/// A declared user: an optional password hash, grants per graph (<c>*</c> covers every graph) and
/// global privileges. Immutable; a reload of the users replaces the whole set.
/// </summary>
internal sealed class User
{
    /// <summary>The graph name whose grants apply to every graph.</summary>
    public const string AllGraphs = "*";

    private static readonly FrozenSet<string> None = FrozenSet<string>.Empty;

    private readonly FrozenDictionary<string, FrozenSet<string>> _graphs;
    private readonly FrozenSet<string> _everyGraph;

    public User(string name, PasswordHash? passwordHash, IReadOnlyDictionary<string, FrozenSet<string>> graphs, FrozenSet<string> privileges)
    {
        Name = name;
        PasswordHash = passwordHash;
        _graphs = graphs.ToFrozenDictionary(StringComparer.Ordinal);
        _everyGraph = _graphs.GetValueOrDefault(AllGraphs, None);
        Privileges = privileges;
    }

    /// <summary>A user the configuration does not declare (a token naming them can only be revoked): no password, no grants.</summary>
    public static User Undeclared(string name) => new(name, null, FrozenDictionary<string, FrozenSet<string>>.Empty, None);

    public string Name { get; }

    /// <summary>Null for users who only ever present tokens.</summary>
    public PasswordHash? PasswordHash { get; }

    /// <summary>Privileges that are not tied to a graph (for example <c>MANAGE_ACCESS_TOKENS</c>).</summary>
    public FrozenSet<string> Privileges { get; }

    public IEnumerable<string> Graphs => _graphs.Keys;

    public bool HasAccessTo(string graph) => _graphs.ContainsKey(AllGraphs) || _graphs.ContainsKey(graph);

    /// <summary>
    /// Whether the user holds <paramref name="privilege"/>. With a graph: the grants on it and on
    /// <c>*</c>; a credential scoped to a graph carries only those, an unscoped one also carries
    /// the global privileges. Without a graph: the grants on <c>*</c> and the global privileges.
    /// </summary>
    public bool Holds(string privilege, string? graph, bool scopedToGraph)
    {
        if (_everyGraph.Contains(privilege))
        {
            return true;
        }

        if (graph is not null && _graphs.TryGetValue(graph, out var grants) && grants.Contains(privilege))
        {
            return true;
        }

        return !scopedToGraph && Privileges.Contains(privilege);
    }
}
