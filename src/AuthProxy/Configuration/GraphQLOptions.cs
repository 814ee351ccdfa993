using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary>
/// <c>AuthProxy:GraphQL</c>: the bounds every document sent to <c>/api/graphql</c> is held to. They
/// are checked on the parsed document, in one pass linear in its size, before any validation rule
/// or resolver runs; a document past one is refused (400) with the bound's code. Fragments are
/// never expanded to check them: each fragment is summarised once and its summary reused.
/// </summary>
public sealed class GraphQLOptions
{
    public const string SectionName = "AuthProxy:GraphQL";

    /// <summary>How deep fields may nest, counting through fragments (a root field is depth 1).</summary>
    /// <value>The default value is 15; 1 to 64.</value>
    [Range(1, 64)]
    public int MaxDepth { get; set; } = 15;

    /// <summary>
    /// How many fields one operation or fragment may select once every fragment spread in it is
    /// counted as the fields it brings (a fragment spread twice counts twice).
    /// </summary>
    /// <value>The default value is 500; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int MaxSelections { get; set; } = 500;

    /// <summary>
    /// How often one response name (a field's alias, or its name) may appear in one selection set,
    /// counting the fields merged into it from fragments. Validation compares such fields pairwise,
    /// and reports each conflicting pair at once.
    /// </summary>
    /// <value>The default value is 3; 1 to 100.</value>
    [Range(1, 100)]
    public int MaxFieldRepeats { get; set; } = 3;

    /// <summary>How many aliased fields one operation or fragment may select, counting through fragments.</summary>
    /// <value>The default value is 20; 0 to 1000.</value>
    [Range(0, 1000)]
    public int MaxAliases { get; set; } = 20;

    /// <summary>How many fragment definitions a document may hold.</summary>
    /// <value>The default value is 20; 0 to 1000.</value>
    [Range(0, 1000)]
    public int MaxFragments { get; set; } = 20;

    /// <summary>How many fragment spreads (<c>...Name</c>) a document may hold, as written.</summary>
    /// <value>The default value is 50; 0 to 1000.</value>
    [Range(0, 1000)]
    public int MaxSpreads { get; set; } = 50;

    /// <summary>How many operations a document may hold (one of them runs, chosen by <c>operationName</c>).</summary>
    /// <value>The default value is 10; 1 to 1000.</value>
    [Range(1, 1000)]
    public int MaxOperations { get; set; } = 10;

    /// <summary>
    /// How many variables a document may declare, over all its operations; and, separately, how
    /// many times it may use them (validation reports on every use at once).
    /// </summary>
    /// <value>The default value is 50; 0 to 1000.</value>
    [Range(0, 1000)]
    public int MaxVariables { get; set; } = 50;

    /// <summary>How many arguments (of fields and of directives) a document may hold, as written.</summary>
    /// <value>The default value is 50; 0 to 10000.</value>
    [Range(0, 10_000)]
    public int MaxArguments { get; set; } = 50;

    /// <summary>How many directives (<c>@skip</c>, <c>@include</c>, ...) a document may hold, as written.</summary>
    /// <value>The default value is 50; 0 to 10000.</value>
    [Range(0, 10_000)]
    public int MaxDirectives { get; set; } = 50;

    /// <summary>How deep list and object literals (in arguments and default values) may nest.</summary>
    /// <value>The default value is 10; 1 to 64.</value>
    [Range(1, 64)]
    public int MaxValueDepth { get; set; } = 10;

    /// <summary>The longest name (field, alias, argument, fragment, variable, type, directive or enum value).</summary>
    /// <value>The default value is 128 characters; 1 to 4096.</value>
    [Range(1, 4096)]
    public int MaxNameLength { get; set; } = 128;

    /// <summary>How many syntax nodes (names, fields, arguments, values, ...) a document may hold, as written.</summary>
    /// <value>The default value is 2000; 10 to 100000.</value>
    [Range(10, 100_000)]
    public int MaxNodes { get; set; } = 2000;

    /// <summary>How many validation errors are reported before validation stops (graphql-js stops at 100 too).</summary>
    /// <value>The default value is 100; 1 to 1000.</value>
    [Range(1, 1000)]
    public int MaxErrors { get; set; } = 100;

    /// <summary>
    /// How many root fields a mutation operation may select, each alias (and each field brought
    /// by a fragment) counted on its own. A request past it runs none of them.
    /// </summary>
    /// <value>The default value is 5; 1 to 100.</value>
    [Range(1, 100)]
    public int MaxMutations { get; set; } = 5;

    /// <summary>
    /// The longest one GraphQL request may take, from reading its body to its answer (parsing,
    /// bounds, validation and resolvers included); then its work is stopped and it is answered
    /// with <c>TIMEOUT</c>. A client that disconnects stops the work at once.
    /// </summary>
    /// <value>The default value is 10 seconds; 100 ms to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The parser's own recursion bound, derived from <see cref="MaxDepth"/> and
    /// <see cref="MaxValueDepth"/> with room for inline fragments and wrappers: a document deeper
    /// than this is past one of them anyway, and is refused before the parser goes further.
    /// </summary>
    internal int ParserDepth => (4 * MaxDepth) + (2 * MaxValueDepth) + 16;
}
