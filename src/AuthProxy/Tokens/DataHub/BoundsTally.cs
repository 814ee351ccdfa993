using AuthProxy.Configuration;
using GraphQLParser.AST;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// What one check of a document has spent and found (see <see cref="DocumentBounds"/>): the steps
/// taken, the syntax nodes read, and the first bound passed. Every step looks at the cancellation
/// token every so many; every refusal is the first and last.
/// </summary>
internal sealed class BoundsTally(GraphQLOptions limits, CancellationToken cancellation)
{
    /// <summary>How a refusal names the whole document.</summary>
    public const string Document = "The document";

    /// <summary>The cancellation token is looked at every so many steps.</summary>
    private const int CancellationStride = 256;

    private int _nodes;

    public GraphQLOptions Limits { get; } = limits;

    /// <summary>The first bound passed, or null.</summary>
    public BoundViolation? Violation { get; private set; }

    /// <summary>Steps taken: syntax nodes read, fragment spreads resolved, response names merged from fragments.</summary>
    public int Visited { get; private set; }

    /// <summary>One syntax node read.</summary>
    public bool Node(ASTNode node)
    {
        Step();
        return ++_nodes <= Limits.MaxNodes || Refuse(GraphQLBound.Nodes, Document);
    }

    public bool Name(GraphQLName name) =>
        Node(name) && (name.Value.Length <= Limits.MaxNameLength || Refuse(GraphQLBound.NameLength, Document));

    /// <summary>One step of work; every so many, the cancellation token is looked at.</summary>
    public void Step()
    {
        if (++Visited % CancellationStride == 0)
        {
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Counts <paramref name="count"/> more fields answering to <paramref name="responseName"/> in one selection set.</summary>
    public bool AddName(Dictionary<string, int> names, string responseName, int count, DefinitionSummary summary)
    {
        var total = names.GetValueOrDefault(responseName) + count;
        names[responseName] = total;
        return total <= Limits.MaxFieldRepeats || Refuse(GraphQLBound.FieldRepeats, summary.Subject);
    }

    public bool Refuse(GraphQLBound bound, string subject) => Refuse(bound.Exceeded(Limits, subject));

    public bool Refuse(BoundViolation violation)
    {
        Violation = violation;
        return false;
    }
}
