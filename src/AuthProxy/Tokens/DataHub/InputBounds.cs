using GraphQLParser.AST;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// The inputs of a document as <see cref="DocumentBounds"/> reads them: variable definitions,
/// directives, arguments, values and type references, each counted against its bound.
/// </summary>
internal sealed class InputBounds(BoundsTally tally)
{
    private readonly BoundsTally _tally = tally;
    private int _variables;
    private int _variableUses;
    private int _arguments;
    private int _directives;

    public bool VariableDefinitions(GraphQLVariablesDefinition? definitions)
    {
        if (definitions is null)
        {
            return true;
        }

        if (!_tally.Node(definitions))
        {
            return false;
        }

        foreach (var definition in definitions.Items)
        {
            if (++_variables > _tally.Limits.MaxVariables)
            {
                return _tally.Refuse(GraphQLBound.Variables, BoundsTally.Document);
            }

            if (!_tally.Node(definition) || !_tally.Node(definition.Variable) || !_tally.Name(definition.Variable.Name) || !TypeReference(definition.Type)
                || (definition.DefaultValue is not null && !Value(definition.DefaultValue, 0)) || !Directives(definition.Directives))
            {
                return false;
            }
        }

        return true;
    }

    public bool Directives(GraphQLDirectives? directives)
    {
        if (directives is null)
        {
            return true;
        }

        if (!_tally.Node(directives))
        {
            return false;
        }

        foreach (var directive in directives.Items)
        {
            if (++_directives > _tally.Limits.MaxDirectives)
            {
                return _tally.Refuse(GraphQLBound.Directives, BoundsTally.Document);
            }

            if (!_tally.Node(directive) || !_tally.Name(directive.Name) || !Arguments(directive.Arguments))
            {
                return false;
            }
        }

        return true;
    }

    public bool Arguments(GraphQLArguments? arguments)
    {
        if (arguments is null)
        {
            return true;
        }

        if (!_tally.Node(arguments))
        {
            return false;
        }

        foreach (var argument in arguments.Items)
        {
            if (++_arguments > _tally.Limits.MaxArguments)
            {
                return _tally.Refuse(GraphQLBound.Arguments, BoundsTally.Document);
            }

            if (!_tally.Node(argument) || !_tally.Name(argument.Name) || !Value(argument.Value, 0))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A value whose enclosing lists and objects are <paramref name="depth"/> deep.</summary>
    private bool Value(GraphQLValue value, int depth)
    {
        if (!_tally.Node(value))
        {
            return false;
        }

        switch (value)
        {
            case GraphQLListValue list:
                if (depth + 1 > _tally.Limits.MaxValueDepth)
                {
                    return _tally.Refuse(GraphQLBound.ValueDepth, BoundsTally.Document);
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
                if (depth + 1 > _tally.Limits.MaxValueDepth)
                {
                    return _tally.Refuse(GraphQLBound.ValueDepth, BoundsTally.Document);
                }

                foreach (var field in item.Fields ?? [])
                {
                    if (!_tally.Node(field) || !_tally.Name(field.Name) || !Value(field.Value, depth + 1))
                    {
                        return false;
                    }
                }

                return true;

            case GraphQLVariable variable:
                return ++_variableUses <= _tally.Limits.MaxVariables ? _tally.Name(variable.Name) : _tally.Refuse(GraphQLBound.VariableUses, BoundsTally.Document);

            case GraphQLEnumValue enumValue:
                return _tally.Name(enumValue.Name);

            default:
                return true;
        }
    }

    /// <summary>A type reference (<c>[Int!]</c>); its nesting is bounded by the parser.</summary>
    public bool TypeReference(GraphQLType type)
    {
        if (!_tally.Node(type))
        {
            return false;
        }

        return type switch
        {
            GraphQLNamedType named => _tally.Name(named.Name),
            GraphQLListType list => TypeReference(list.Type),
            GraphQLNonNullType nonNull => TypeReference(nonNull.Type),
            _ => true,
        };
    }
}
