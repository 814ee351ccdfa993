using AuthProxy.Configuration;
using GraphQLParser.AST;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// Holds a parsed GraphQL document to the <see cref="GraphQLOptions"/> bounds before any
/// validation rule sees it, in time linear in its size. One pass reads every syntax node once,
/// counting as it goes and stopping at the first bound passed; then each operation and fragment
/// is completed from the summaries of the fragments it spreads, each fragment summarised once
/// (memoised, so a fragment spread twice at every level costs two additions a level, not an
/// expansion). Fragment cycles are found on the way. Cancellation is honoured throughout.
/// This class reads operations, fragments and selections; <see cref="InputBounds"/> reads their
/// inputs, <see cref="BoundsTally"/> keeps what the pass has spent, and
/// <see cref="DefinitionSummary.Complete"/> completes the summaries.
/// </summary>
internal sealed class DocumentBounds
{
    private readonly BoundsTally _tally;
    private readonly InputBounds _inputs;
    private readonly List<DefinitionSummary> _definitions = [];
    private readonly Dictionary<string, DefinitionSummary> _fragments = new(StringComparer.Ordinal);
    private int _operations;
    private int _fragmentCount;
    private int _spreads;

    private DocumentBounds(GraphQLOptions limits, CancellationToken cancellation)
    {
        _tally = new BoundsTally(limits, cancellation);
        _inputs = new InputBounds(_tally);
    }

    /// <summary>Checks <paramref name="document"/>; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled meanwhile.</summary>
    public static BoundsReport Check(GraphQLDocument document, GraphQLOptions limits, CancellationToken cancellationToken)
    {
        var bounds = new DocumentBounds(limits, cancellationToken);
        bounds.CheckDocument(document);
        return new BoundsReport(bounds._tally.Violation, bounds._tally.Visited);
    }

    private bool CheckDocument(GraphQLDocument document)
    {
        if (!_tally.Node(document))
        {
            return false;
        }

        foreach (var definition in document.Definitions)
        {
            var within = definition switch
            {
                GraphQLOperationDefinition operation => Operation(operation),
                GraphQLFragmentDefinition fragment => Fragment(fragment),
                _ => _tally.Refuse(new BoundViolation(BoundViolation.NotExecutableCode,
                    "The document holds a type system definition; only operations and fragments can be sent.")),
            };
            if (!within)
            {
                return false;
            }
        }

        foreach (var definition in _definitions)
        {
            if (!definition.Complete(_fragments, _tally))
            {
                return false;
            }
        }

        return true;
    }

    private bool Operation(GraphQLOperationDefinition operation)
    {
        if (!_tally.Node(operation))
        {
            return false;
        }

        if (++_operations > _tally.Limits.MaxOperations)
        {
            return _tally.Refuse(GraphQLBound.Operations, BoundsTally.Document);
        }

        if (operation.Name is not null && !_tally.Name(operation.Name))
        {
            return false;
        }

        var subject = operation.Name is null ? "The anonymous operation" : $"Operation '{operation.Name.StringValue}'";
        var summary = new DefinitionSummary(subject, operation.Operation == OperationType.Mutation);
        _definitions.Add(summary);
        return _inputs.VariableDefinitions(operation.Variables) && _inputs.Directives(operation.Directives) && SelectionSet(operation.SelectionSet, summary, 0);
    }

    private bool Fragment(GraphQLFragmentDefinition fragment)
    {
        if (!_tally.Node(fragment))
        {
            return false;
        }

        if (++_fragmentCount > _tally.Limits.MaxFragments)
        {
            return _tally.Refuse(GraphQLBound.Fragments, BoundsTally.Document);
        }

        if (!_tally.Node(fragment.FragmentName) || !_tally.Name(fragment.FragmentName.Name) || !_tally.Node(fragment.TypeCondition) || !_inputs.TypeReference(fragment.TypeCondition.Type))
        {
            return false;
        }

        var name = fragment.FragmentName.Name.StringValue;
        var summary = new DefinitionSummary($"Fragment '{name}'", isMutation: false);
        _definitions.Add(summary);

        // Spreads resolve to the first definition of a name, as in validation, which reports the duplicate.
        _fragments.TryAdd(name, summary);
        return _inputs.Directives(fragment.Directives) && SelectionSet(fragment.SelectionSet, summary, 0);
    }

    /// <summary>A selection set whose fields are at depth <paramref name="level"/> + 1.</summary>
    private bool SelectionSet(GraphQLSelectionSet set, DefinitionSummary summary, int level)
    {
        if (!_tally.Node(set))
        {
            return false;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        List<string>? spreads = null;
        if (!Selections(set.Selections, summary, level, names, ref spreads))
        {
            return false;
        }

        if (spreads is not null)
        {
            summary.OpenSets.Add((names, spreads, level == 0));
        }
        else if (level == 0)
        {
            summary.TopNames = names;
        }

        return true;
    }

    /// <summary>The selections of one set; an inline fragment's join them, as validation merges them.</summary>
    private bool Selections(List<ASTNode> selections, DefinitionSummary summary, int level, Dictionary<string, int> names, ref List<string>? spreads)
    {
        foreach (var selection in selections)
        {
            var within = selection switch
            {
                GraphQLField field => Field(field, summary, level, names),
                GraphQLInlineFragment inline => InlineFragment(inline, summary, level, names, ref spreads),
                GraphQLFragmentSpread spread => Spread(spread, summary, level, ref spreads),
                _ => _tally.Node(selection),
            };
            if (!within)
            {
                return false;
            }
        }

        return true;
    }

    private bool Field(GraphQLField field, DefinitionSummary summary, int level, Dictionary<string, int> names)
    {
        if (!_tally.Node(field) || !_tally.Name(field.Name))
        {
            return false;
        }

        var responseName = field.Name;
        if (field.Alias is not null)
        {
            if (!_tally.Node(field.Alias) || !_tally.Name(field.Alias.Name))
            {
                return false;
            }

            responseName = field.Alias.Name;
            if (++summary.Aliases > _tally.Limits.MaxAliases)
            {
                return _tally.Refuse(GraphQLBound.Aliases, summary.Subject);
            }
        }

        if (++summary.Selections > _tally.Limits.MaxSelections)
        {
            return _tally.Refuse(GraphQLBound.Selections, summary.Subject);
        }

        if (level + 1 > summary.Depth)
        {
            summary.Depth = level + 1;
            if (summary.Depth > _tally.Limits.MaxDepth)
            {
                return _tally.Refuse(GraphQLBound.Depth, summary.Subject);
            }
        }

        if (level == 0 && ++summary.RootFields > _tally.Limits.MaxMutations && summary.IsMutation)
        {
            return _tally.Refuse(GraphQLBound.Mutations, summary.Subject);
        }

        return _tally.AddName(names, responseName.StringValue, 1, summary)
            && _inputs.Arguments(field.Arguments)
            && _inputs.Directives(field.Directives)
            && (field.SelectionSet is null || SelectionSet(field.SelectionSet, summary, level + 1));
    }

    private bool InlineFragment(GraphQLInlineFragment inline, DefinitionSummary summary, int level, Dictionary<string, int> names, ref List<string>? spreads)
    {
        if (!_tally.Node(inline))
        {
            return false;
        }

        if (inline.TypeCondition is not null && (!_tally.Node(inline.TypeCondition) || !_inputs.TypeReference(inline.TypeCondition.Type)))
        {
            return false;
        }

        return _inputs.Directives(inline.Directives) && _tally.Node(inline.SelectionSet) && Selections(inline.SelectionSet.Selections, summary, level, names, ref spreads);
    }

    private bool Spread(GraphQLFragmentSpread spread, DefinitionSummary summary, int level, ref List<string>? spreads)
    {
        if (!_tally.Node(spread) || !_tally.Node(spread.FragmentName) || !_tally.Name(spread.FragmentName.Name))
        {
            return false;
        }

        if (++_spreads > _tally.Limits.MaxSpreads)
        {
            return _tally.Refuse(GraphQLBound.Spreads, BoundsTally.Document);
        }

        var name = spread.FragmentName.Name.StringValue;
        summary.Spreads.Add((name, level));
        (spreads ??= []).Add(name);
        return _inputs.Directives(spread.Directives);
    }
}
