using System.Globalization;
using AuthProxy.Configuration;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// The table of <see cref="GraphQLOptions"/> bounds: for each, its setting, the code a refusal
/// carries in <c>extensions.code</c>, and what the refused document did.
/// </summary>
internal sealed class GraphQLBound
{
    public static readonly GraphQLBound Depth = new(nameof(GraphQLOptions.MaxDepth), "MAX_DEPTH_EXCEEDED", o => o.MaxDepth,
        "nests fields more than {0} deep, counting through fragments");

    public static readonly GraphQLBound ParserDepth = new(nameof(GraphQLOptions.MaxDepth), "MAX_DEPTH_EXCEEDED", o => o.ParserDepth,
        "nests more than {0} syntax levels, deeper than MaxDepth and MaxValueDepth allow");

    public static readonly GraphQLBound Selections = new(nameof(GraphQLOptions.MaxSelections), "MAX_SELECTIONS_EXCEEDED", o => o.MaxSelections,
        "selects more than {0} fields, counting the fields each fragment spread brings");

    public static readonly GraphQLBound FieldRepeats = new(nameof(GraphQLOptions.MaxFieldRepeats), "MAX_FIELD_REPEATS_EXCEEDED", o => o.MaxFieldRepeats,
        "repeats one response name more than {0} times in one selection set, counting fragments");

    public static readonly GraphQLBound Aliases = new(nameof(GraphQLOptions.MaxAliases), "MAX_ALIASES_EXCEEDED", o => o.MaxAliases,
        "selects more than {0} aliased fields, counting through fragments");

    public static readonly GraphQLBound Fragments = new(nameof(GraphQLOptions.MaxFragments), "MAX_FRAGMENTS_EXCEEDED", o => o.MaxFragments,
        "defines more than {0} fragments");

    public static readonly GraphQLBound Spreads = new(nameof(GraphQLOptions.MaxSpreads), "MAX_SPREADS_EXCEEDED", o => o.MaxSpreads,
        "holds more than {0} fragment spreads");

    public static readonly GraphQLBound Operations = new(nameof(GraphQLOptions.MaxOperations), "MAX_OPERATIONS_EXCEEDED", o => o.MaxOperations,
        "holds more than {0} operations");

    public static readonly GraphQLBound Variables = new(nameof(GraphQLOptions.MaxVariables), "MAX_VARIABLES_EXCEEDED", o => o.MaxVariables,
        "declares more than {0} variables");

    public static readonly GraphQLBound VariableUses = new(nameof(GraphQLOptions.MaxVariables), "MAX_VARIABLES_EXCEEDED", o => o.MaxVariables,
        "uses variables more than {0} times");

    public static readonly GraphQLBound Arguments = new(nameof(GraphQLOptions.MaxArguments), "MAX_ARGUMENTS_EXCEEDED", o => o.MaxArguments,
        "holds more than {0} arguments");

    public static readonly GraphQLBound Directives = new(nameof(GraphQLOptions.MaxDirectives), "MAX_DIRECTIVES_EXCEEDED", o => o.MaxDirectives,
        "holds more than {0} directives");

    public static readonly GraphQLBound ValueDepth = new(nameof(GraphQLOptions.MaxValueDepth), "MAX_VALUE_DEPTH_EXCEEDED", o => o.MaxValueDepth,
        "nests list and object values more than {0} deep");

    public static readonly GraphQLBound NameLength = new(nameof(GraphQLOptions.MaxNameLength), "MAX_NAME_LENGTH_EXCEEDED", o => o.MaxNameLength,
        "holds a name longer than {0} characters");

    public static readonly GraphQLBound Nodes = new(nameof(GraphQLOptions.MaxNodes), "MAX_NODES_EXCEEDED", o => o.MaxNodes,
        "holds more than {0} syntax nodes");

    public static readonly GraphQLBound Mutations = new(nameof(GraphQLOptions.MaxMutations), "MAX_MUTATIONS_EXCEEDED", o => o.MaxMutations,
        "selects more than {0} mutation fields; none of them ran");

    private readonly Func<GraphQLOptions, int> _limit;
    private readonly string _phrase;

    private GraphQLBound(string setting, string code, Func<GraphQLOptions, int> limit, string phrase)
    {
        Setting = $"{GraphQLOptions.SectionName}:{setting}";
        Code = code;
        _limit = limit;
        _phrase = phrase;
    }

    /// <summary>The setting that holds the limit, in its <c>:</c> form.</summary>
    public string Setting { get; }

    /// <summary>The <c>extensions.code</c> of a refusal.</summary>
    public string Code { get; }

    public int Limit(GraphQLOptions options) => _limit(options);

    /// <summary>The refusal of a document that passed this bound; <paramref name="subject"/> names the part that did ("The document", "Operation 'Q'").</summary>
    public BoundViolation Exceeded(GraphQLOptions options, string subject) =>
        new(Code, $"{subject} {string.Format(CultureInfo.InvariantCulture, _phrase, Limit(options))} ({Setting}).");
}
