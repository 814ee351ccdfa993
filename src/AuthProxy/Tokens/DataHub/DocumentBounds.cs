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
/// </summary>
internal sealed class DocumentBounds
{
    /// <summary>The cancellation token is looked at every so many steps.</summary>
    private const int CancellationStride = 256;

    private const string Document = "The document";

    private readonly GraphQLOptions _limits;
    private readonly CancellationToken _cancellation;
    private readonly List<DefinitionSummary> _definitions = [];
    private readonly Dictionary<string, DefinitionSummary> _fragments = new(StringComparer.Ordinal);
    private BoundViolation? _violation;
    private int _visited;
    private int _nodes;
    private int _operations;
    private int _fragmentCount;
    private int _spreads;
    private int _variables;
    private int _variableUses;
    private int _arguments;
    private int _directives;

    private DocumentBounds(GraphQLOptions limits, CancellationToken cancellation)
    {
        _limits = limits;
        _cancellation = cancellation;
    }

    /// <summary>Checks <paramref name="document"/>; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled meanwhile.</summary>
    public static BoundsReport Check(GraphQLDocument document, GraphQLOptions limits, CancellationToken cancellationToken)
    {
        var bounds = new DocumentBounds(limits, cancellationToken);
        bounds.CheckDocument(document);
        return new BoundsReport(bounds._violation, bounds._visited);
    }

    private bool CheckDocument(GraphQLDocument document)
    {
        if (!Node(document))
        {
            return false;
        }

        foreach (var definition in document.Definitions)
        {
            var within = definition switch
            {
                GraphQLOperationDefinition operation => Operation(operation),
                GraphQLFragmentDefinition fragment => Fragment(fragment),
                _ => Refuse(new BoundViolation(BoundViolation.NotExecutableCode,
                    "The document holds a type system definition; only operations and fragments can be sent.")),
            };
            if (!within)
            {
                return false;
            }
        }

        foreach (var definition in _definitions)
        {
            if (!Summarise(definition))
            {
                return false;
            }
        }

        return true;
    }

    private bool Operation(GraphQLOperationDefinition operation)
    {
        if (!Node(operation))
        {
            return false;
        }

        if (++_operations > _limits.MaxOperations)
        {
            return Refuse(GraphQLBound.Operations, Document);
        }

        if (operation.Name is not null && !Name(operation.Name))
        {
            return false;
        }

        var subject = operation.Name is null ? "The anonymous operation" : $"Operation '{operation.Name.StringValue}'";
        var summary = new DefinitionSummary(subject, operation.Operation == OperationType.Mutation);
        _definitions.Add(summary);
        return VariableDefinitions(operation.Variables) && Directives(operation.Directives) && SelectionSet(operation.SelectionSet, summary, 0);
    }

    private bool Fragment(GraphQLFragmentDefinition fragment)
    {
        if (!Node(fragment))
        {
            return false;
        }

        if (++_fragmentCount > _limits.MaxFragments)
        {
            return Refuse(GraphQLBound.Fragments, Document);
        }

        if (!Node(fragment.FragmentName) || !Name(fragment.FragmentName.Name) || !Node(fragment.TypeCondition) || !TypeReference(fragment.TypeCondition.Type))
        {
            return false;
        }

        var name = fragment.FragmentName.Name.StringValue;
        var summary = new DefinitionSummary($"Fragment '{name}'", isMutation: false);
        _definitions.Add(summary);

        // Spreads resolve to the first definition of a name, as in validation, which reports the duplicate.
        _fragments.TryAdd(name, summary);
        return Directives(fragment.Directives) && SelectionSet(fragment.SelectionSet, summary, 0);
    }

    /// <summary>A selection set whose fields are at depth <paramref name="level"/> + 1.</summary>
    private bool SelectionSet(GraphQLSelectionSet set, DefinitionSummary summary, int level)
    {
        if (!Node(set))
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
                _ => Node(selection),
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
        if (!Node(field) || !Name(field.Name))
        {
            return false;
        }

        var responseName = field.Name;
        if (field.Alias is not null)
        {
            if (!Node(field.Alias) || !Name(field.Alias.Name))
            {
                return false;
            }

            responseName = field.Alias.Name;
            if (++summary.Aliases > _limits.MaxAliases)
            {
                return Refuse(GraphQLBound.Aliases, summary.Subject);
            }
        }

        if (++summary.Selections > _limits.MaxSelections)
        {
            return Refuse(GraphQLBound.Selections, summary.Subject);
        }

        if (level + 1 > summary.Depth)
        {
            summary.Depth = level + 1;
            if (summary.Depth > _limits.MaxDepth)
            {
                return Refuse(GraphQLBound.Depth, summary.Subject);
            }
        }

        if (level == 0 && ++summary.RootFields > _limits.MaxMutations && summary.IsMutation)
        {
            return Refuse(GraphQLBound.Mutations, summary.Subject);
        }

        return AddName(names, responseName.StringValue, 1, summary)
            && Arguments(field.Arguments)
            && Directives(field.Directives)
            && (field.SelectionSet is null || SelectionSet(field.SelectionSet, summary, level + 1));
    }

    private bool InlineFragment(GraphQLInlineFragment inline, DefinitionSummary summary, int level, Dictionary<string, int> names, ref List<string>? spreads)
    {
        if (!Node(inline))
        {
            return false;
        }

        if (inline.TypeCondition is not null && (!Node(inline.TypeCondition) || !TypeReference(inline.TypeCondition.Type)))
        {
            return false;
        }

        return Directives(inline.Directives) && Node(inline.SelectionSet) && Selections(inline.SelectionSet.Selections, summary, level, names, ref spreads);
    }

    private bool Spread(GraphQLFragmentSpread spread, DefinitionSummary summary, int level, ref List<string>? spreads)
    {
        if (!Node(spread) || !Node(spread.FragmentName) || !Name(spread.FragmentName.Name))
        {
            return false;
        }

        if (++_spreads > _limits.MaxSpreads)
        {
            return Refuse(GraphQLBound.Spreads, Document);
        }

        var name = spread.FragmentName.Name.StringValue;
        summary.Spreads.Add((name, level));
        (spreads ??= []).Add(name);
        return Directives(spread.Directives);
    }

    /// <summary>
    /// Completes a definition from the summaries of the fragments it spreads, summarising each of
    /// them first (once). The recursion is at most as deep as the document has fragments.
    /// </summary>
    private bool Summarise(DefinitionSummary summary)
    {
        if (summary.State == 2)
        {
            return true;
        }

        if (summary.State == 1)
        {
            return Refuse(new BoundViolation(BoundViolation.FragmentCycleCode,
                $"{summary.Subject} spreads itself through the fragments it spreads; fragments must not form cycles."));
        }

        summary.State = 1;
        foreach (var (name, level) in summary.Spreads)
        {
            Step();
            if (!_fragments.TryGetValue(name, out var fragment))
            {
                // An unknown fragment adds nothing; validation reports it.
                continue;
            }

            if (!Summarise(fragment))
            {
                return false;
            }

            summary.Selections += fragment.Selections;
            if (summary.Selections > _limits.MaxSelections)
            {
                return Refuse(GraphQLBound.Selections, summary.Subject);
            }

            summary.Aliases += fragment.Aliases;
            if (summary.Aliases > _limits.MaxAliases)
            {
                return Refuse(GraphQLBound.Aliases, summary.Subject);
            }

            summary.Depth = Math.Max(summary.Depth, level + fragment.Depth);
            if (summary.Depth > _limits.MaxDepth)
            {
                return Refuse(GraphQLBound.Depth, summary.Subject);
            }

            if (level == 0)
            {
                summary.RootFields += fragment.RootFields;
                if (summary.IsMutation && summary.RootFields > _limits.MaxMutations)
                {
                    return Refuse(GraphQLBound.Mutations, summary.Subject);
                }
            }
        }

        // The counts above bound the names merged here: a set holds no more names than fields.
        foreach (var (names, fragments, isTop) in summary.OpenSets)
        {
            foreach (var name in fragments)
            {
                if (!_fragments.TryGetValue(name, out var fragment))
                {
                    continue;
                }

                foreach (var (responseName, count) in fragment.TopNames!)
                {
                    Step();
                    if (!AddName(names, responseName, count, summary))
                    {
                        return false;
                    }
                }
            }

            if (isTop)
            {
                summary.TopNames = names;
            }
        }

        summary.TopNames ??= [];
        summary.State = 2;
        return true;
    }

    private bool AddName(Dictionary<string, int> names, string responseName, int count, DefinitionSummary summary)
    {
        var total = names.GetValueOrDefault(responseName) + count;
        names[responseName] = total;
        return total <= _limits.MaxFieldRepeats || Refuse(GraphQLBound.FieldRepeats, summary.Subject);
    }

    private bool VariableDefinitions(GraphQLVariablesDefinition? definitions)
    {
        if (definitions is null)
        {
            return true;
        }

        if (!Node(definitions))
        {
            return false;
        }

        foreach (var definition in definitions.Items)
        {
            if (++_variables > _limits.MaxVariables)
            {
                return Refuse(GraphQLBound.Variables, Document);
            }

            if (!Node(definition) || !Node(definition.Variable) || !Name(definition.Variable.Name) || !TypeReference(definition.Type)
                || (definition.DefaultValue is not null && !Value(definition.DefaultValue, 0)) || !Directives(definition.Directives))
            {
                return false;
            }
        }

        return true;
    }

    private bool Directives(GraphQLDirectives? directives)
    {
        if (directives is null)
        {
            return true;
        }

        if (!Node(directives))
        {
            return false;
        }

        foreach (var directive in directives.Items)
        {
            if (++_directives > _limits.MaxDirectives)
            {
                return Refuse(GraphQLBound.Directives, Document);
            }

            if (!Node(directive) || !Name(directive.Name) || !Arguments(directive.Arguments))
            {
                return false;
            }
        }

        return true;
    }

    private bool Arguments(GraphQLArguments? arguments)
    {
        if (arguments is null)
        {
            return true;
        }

        if (!Node(arguments))
        {
            return false;
        }

        foreach (var argument in arguments.Items)
        {
            if (++_arguments > _limits.MaxArguments)
            {
                return Refuse(GraphQLBound.Arguments, Document);
            }

            if (!Node(argument) || !Name(argument.Name) || !Value(argument.Value, 0))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A value whose enclosing lists and objects are <paramref name="depth"/> deep.</summary>
    private bool Value(GraphQLValue value, int depth)
    {
        if (!Node(value))
        {
            return false;
        }

        switch (value)
        {
            case GraphQLListValue list:
                if (depth + 1 > _limits.MaxValueDepth)
                {
                    return Refuse(GraphQLBound.ValueDepth, Document);
                }

                foreach (var item in list.Values ?? [])
                {
                    if (!Value(item, depth + 1))
                    {
                        return false;
                    }
                }

                return true;

            case GraphQLObjectValue item:
                if (depth + 1 > _limits.MaxValueDepth)
                {
                    return Refuse(GraphQLBound.ValueDepth, Document);
                }

                foreach (var field in item.Fields ?? [])
                {
                    if (!Node(field) || !Name(field.Name) || !Value(field.Value, depth + 1))
                    {
                        return false;
                    }
                }

                return true;

            case GraphQLVariable variable:
                return ++_variableUses <= _limits.MaxVariables ? Name(variable.Name) : Refuse(GraphQLBound.VariableUses, Document);

            case GraphQLEnumValue enumValue:
                return Name(enumValue.Name);

            default:
                return true;
        }
    }

    /// <summary>A type reference (<c>[Int!]</c>); its nesting is bounded by the parser.</summary>
    private bool TypeReference(GraphQLType type)
    {
        if (!Node(type))
        {
            return false;
        }

        return type switch
        {
            GraphQLNamedType named => Name(named.Name),
            GraphQLListType list => TypeReference(list.Type),
            GraphQLNonNullType nonNull => TypeReference(nonNull.Type),
            _ => true,
        };
    }

    private bool Name(GraphQLName name) =>
        Node(name) && (name.Value.Length <= _limits.MaxNameLength || Refuse(GraphQLBound.NameLength, Document));

    /// <summary>One syntax node read.</summary>
    private bool Node(ASTNode node)
    {
        Step();
        return ++_nodes <= _limits.MaxNodes || Refuse(GraphQLBound.Nodes, Document);
    }

    /// <summary>One step of work; every so many, the cancellation token is looked at.</summary>
    private void Step()
    {
        if (++_visited % CancellationStride == 0)
        {
            _cancellation.ThrowIfCancellationRequested();
        }
    }

    private bool Refuse(GraphQLBound bound, string subject) => Refuse(bound.Exceeded(_limits, subject));

    private bool Refuse(BoundViolation violation)
    {
        _violation = violation;
        return false;
    }
}
