using AuthProxy.Configuration;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens.DataHub;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Visitors;

namespace AuthProxy.Tests.Tokens.DataHub;

/// <summary>The bounds analysis on parsed documents: what it counts, that it never expands a fragment, and that it stops when cancelled.</summary>
public sealed class DocumentBoundsTests
{
    /// <summary>Counts far past what the settings allow, so only the expansion itself can refuse a bomb.</summary>
    private static GraphQLOptions Permissive() => new()
    {
        MaxFragments = 100_000,
        MaxSpreads = 100_000,
        MaxFieldRepeats = 100,
        MaxSelections = 10_000,
        MaxNodes = 1_000_000,
        MaxAliases = 100_000,
        MaxDepth = 64,
    };

    private static GraphQLDocument Parse(string query, GraphQLOptions? limits = null) =>
        Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = (limits ?? new GraphQLOptions()).ParserDepth });

    private static BoundsReport Check(string query, GraphQLOptions? limits = null) =>
        DocumentBounds.Check(Parse(query, limits), limits ?? new GraphQLOptions(), CancellationToken.None);

    private static string? Code(string query, GraphQLOptions? limits = null) => Check(query, limits).Violation?.Code;

    [Theory]
    [InlineData(30, 100, "MAX_FIELD_REPEATS_EXCEEDED")]
    [InlineData(500, 100, "MAX_FIELD_REPEATS_EXCEEDED")]
    [InlineData(30, int.MaxValue, "MAX_SELECTIONS_EXCEEDED")]
    [InlineData(500, int.MaxValue, "MAX_SELECTIONS_EXCEEDED")]
    public void FragmentBomb_IsDecided_InStepsLinearInItsSize(int levels, int repeats, string code)
    {
        // 2^levels fields if expanded; the analysis reads each node once and adds summaries, two a level.
        var query = GraphQLDocuments.FragmentBomb(levels);
        var limits = Permissive();
        limits.MaxFieldRepeats = repeats;

        var report = Check(query, limits);

        Assert.Equal(code, report.Violation?.Code);
        Assert.InRange(report.Visited, 1, 3 * NodeCounter.Count(Parse(query, limits)));
    }

    [Fact]
    public void NestedFragmentBomb_IsRefusedForItsSelections_InLinearSteps()
    {
        var query = GraphQLDocuments.NestedFragmentBomb(40);
        var limits = Permissive();

        var report = Check(query, limits);

        Assert.Equal("MAX_SELECTIONS_EXCEEDED", report.Violation?.Code);
        Assert.InRange(report.Visited, 1, 3 * NodeCounter.Count(Parse(query, limits)));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void NestedFragmentBomb_IsCountedExactly(int levels)
    {
        // F_levels holds 1 field and F_i holds 2 + 2 x F_(i+1): the operation selects 3 x 2^levels - 2 once expanded.
        var expanded = (3 << levels) - 2;
        var limits = new GraphQLOptions { MaxSelections = expanded };
        Assert.Null(Check(GraphQLDocuments.NestedFragmentBomb(levels), limits).Violation);

        limits.MaxSelections = expanded - 1;
        Assert.Equal("MAX_SELECTIONS_EXCEEDED", Code(GraphQLDocuments.NestedFragmentBomb(levels), limits));
    }

    [Fact]
    public void EveryWorstShape_IsRefusedWithItsCode_InLinearSteps()
    {
        foreach (var (name, (query, code)) in GraphQLDocuments.Worst)
        {
            GraphQLDocument document;
            try
            {
                document = Parse(query);
            }
            catch (GraphQLParser.Exceptions.GraphQLMaxDepthExceededException)
            {
                Assert.True(code == "MAX_DEPTH_EXCEEDED", $"{name}: the parser's bound refused it, not {code}");
                continue;
            }

            var report = DocumentBounds.Check(document, new GraphQLOptions(), CancellationToken.None);
            if (code is null or "MAX_ERRORS_EXCEEDED")
            {
                // Within every bound: answered, or validation itself stops at MaxErrors (ValidationGuardRule).
                Assert.Null(report.Violation);
            }
            else
            {
                Assert.True(report.Violation?.Code == code, $"{name}: expected {code}, got {report.Violation?.Code ?? "none"}");
            }

            Assert.InRange(report.Visited, 1, 3 * NodeCounter.Count(document));
        }
    }

    [Theory]
    [InlineData(GraphQLDocuments.GraphQLJsIntrospection)]
    [InlineData(GraphQLDocuments.GraphQLDotnetIntrospection)]
    public void IntrospectionQueries_AreWithinTheDefaults(string query) => Assert.Null(Check(query).Violation);

    [Fact]
    public void Depth_CountsFieldsThroughFragments_AndInlineFragmentsAddNone()
    {
        Assert.Null(Code("{ ... on Query { ... on Query { a { ... on Query { ...F } } } } } fragment F on Query { ... on Query { b } }", new GraphQLOptions { MaxDepth = 2 }));
        Assert.Null(Code("{ a { b { ...F } } } fragment F on Query { c { d { e { f { g { h { i { j { k { l { m { n { o } } } } } } } } } } } } }"));
        Assert.Equal("MAX_DEPTH_EXCEEDED", Code("{ a { b { c { ...F } } } } fragment F on Query { c { d { e { f { g { h { i { j { k { l { m { n { o } } } } } } } } } } } } }"));
        Assert.Equal("MAX_DEPTH_EXCEEDED", Code("{" + string.Concat(Enumerable.Repeat(" a {", 15)) + " b" + new string('}', 16)));
        Assert.Null(Code("{" + string.Concat(Enumerable.Repeat(" a {", 14)) + " b" + new string('}', 15)));
    }

    [Fact]
    public void Mutations_CountEveryRootField_ThroughAliasesInlineFragmentsAndSpreads()
    {
        const string Field = "createAccessToken(input: {}) { accessToken }";
        Assert.Null(Code($"mutation {{ a: {Field} b: {Field} c: {Field} d: {Field} e: {Field} }}"));
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code($"mutation {{ a: {Field} b: {Field} c: {Field} d: {Field} e: {Field} f: {Field} }}"));
        Assert.Null(Code($"mutation {{ a: {Field} ...M }} fragment M on Mutation {{ b: {Field} c: {Field} ... on Mutation {{ d: {Field} e: {Field} }} }}"));
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code($"mutation {{ a: {Field} ... on Mutation {{ b: {Field} c: {Field} }} ...M }} fragment M on Mutation {{ d: {Field} e: {Field} f: {Field} }}"));
        Assert.Equal("MAX_MUTATIONS_EXCEEDED", Code($"mutation {{ ...M }} fragment M on Mutation {{ a: {Field} ...N }} fragment N on Mutation {{ b: {Field} c: {Field} d: {Field} e: {Field} f: {Field} }}"));

        // Only mutation operations: six root fields of a query are fine.
        Assert.Null(Code("{ a: __typename b: __typename c: __typename d: __typename e: __typename f: __typename }"));
    }

    [Fact]
    public void FieldRepeats_CountNamesMergedFromFragments()
    {
        Assert.Null(Code("{ id ...F ... on Query { id } } fragment F on Query { id }"));
        Assert.Equal("MAX_FIELD_REPEATS_EXCEEDED", Code("{ id ...F ... on Query { id } } fragment F on Query { id ...G } fragment G on Query { id }"));
        Assert.Equal("MAX_FIELD_REPEATS_EXCEEDED", Code("{ a: id b: id a: id b: id a: id a: x }"));

        // A name in a nested selection set merges with the fragments spread there too.
        Assert.Equal("MAX_FIELD_REPEATS_EXCEEDED", Code("{ a { x x ...F } } fragment F on Query { x x }"));
        Assert.Null(Code("{ a { x } b { ...F } } fragment F on Query { x x }"));
    }

    [Fact]
    public void Variables_CountDefinitionsAndUses()
    {
        var limits = new GraphQLOptions { MaxVariables = 2 };
        Assert.Null(Code("query($a: Int, $b: Int) { f(x: $a, y: [$b]) }", limits));
        Assert.Equal("MAX_VARIABLES_EXCEEDED", Code("query($a: Int, $b: Int, $c: Int) { f }", limits));
        Assert.Equal("MAX_VARIABLES_EXCEEDED", Code("{ f(x: [$a, $a, $a]) }", limits));
        Assert.Equal("The document uses variables more than 2 times (AuthProxy:GraphQL:MaxVariables).", Check("{ f(x: {a: $a, b: $a}) g(x: $a) }", limits).Violation!.Message);
    }

    [Fact]
    public void Cycles_AreFound_WithoutLooping()
    {
        Assert.Equal("NO_FRAGMENT_CYCLES", Code("{ ...A } fragment A on Query { ...A }"));
        Assert.Equal("NO_FRAGMENT_CYCLES", Code("{ ...A } fragment A on Query { x { ...B } } fragment B on Query { ...C } fragment C on Query { y { ...A } }"));

        // An unused cycle is refused too: validation would walk it.
        Assert.Equal("NO_FRAGMENT_CYCLES", Code("{ a } fragment A on Query { ...B } fragment B on Query { ...A }"));
        Assert.Null(Code("{ ...A ...B } fragment A on Query { ...B } fragment B on Query { c }"));
    }

    [Fact]
    public void ValueDepth_CountsListsAndObjects_InArgumentsAndDefaults()
    {
        Assert.Null(Code("{ f(x: " + new string('[', 10) + "1" + new string(']', 10) + ") }"));
        Assert.Equal("MAX_VALUE_DEPTH_EXCEEDED", Code("{ f(x: " + new string('[', 11) + "1" + new string(']', 11) + ") }"));
        Assert.Equal("MAX_VALUE_DEPTH_EXCEEDED", Code("query($v: Int = " + string.Concat(Enumerable.Repeat("{a: ", 11)) + "1" + new string('}', 11) + ") { f(x: $v) }"));
        Assert.Equal("MAX_VALUE_DEPTH_EXCEEDED", Code("{ f @skip(if: " + new string('[', 11) + "1" + new string(']', 11) + ") }"));
    }

    [Fact]
    public void Names_AreBoundedWhereverTheyAppear()
    {
        var name = new string('n', 129);
        Assert.Null(Code("{ " + name[..128] + " }"));
        foreach (var query in new[] { $"{{ {name} }}", $"{{ {name}: a }}", $"{{ a({name}: 1) }}", $"query {name} {{ a }}", $"query(${name}: Int) {{ a }}",
                     $"{{ a(x: {name}) }}", $"{{ ...{name} }}", $"{{ a @{name} }}", $"{{ ... on {name} {{ a }} }}" })
        {
            Assert.Equal("MAX_NAME_LENGTH_EXCEEDED", Code(query));
        }
    }

    [Fact]
    public void TheMessage_NamesTheBound_AndItsLimit()
    {
        var violation = Check("{ a { b { c } } }", new GraphQLOptions { MaxDepth = 2 }).Violation!;

        Assert.Equal("MAX_DEPTH_EXCEEDED", violation.Code);
        Assert.Equal("The anonymous operation nests fields more than 2 deep, counting through fragments (AuthProxy:GraphQL:MaxDepth).", violation.Message);
    }

    [Fact]
    public void Cancellation_StopsTheAnalysis()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var document = Parse(GraphQLDocuments.Worst["wide-values"].Query, Permissive());

        Assert.Throws<OperationCanceledException>(() => DocumentBounds.Check(document, Permissive(), cancelled.Token));
    }

    [Fact]
    public async Task ValidationGuard_MakesValidationHonourCancellation()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var schema = new AuthProxy.Tokens.DataHub.AccessTokenSchema();
        var document = Parse(GraphQLDocuments.GraphQLJsIntrospection);
        var validator = new DocumentValidator();

        // graphql-dotnet's own walk does not look at the token; with the guard first, it stops.
        var unguarded = await validator.ValidateAsync(Options(schema, document, DocumentValidator.CoreRules, cancelled.Token));
        Assert.True(unguarded.IsValid);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            validator.ValidateAsync(Options(schema, document, [new ValidationGuardRule(100), .. DocumentValidator.CoreRules], cancelled.Token)));
    }

    [Fact]
    public async Task ValidationGuard_StopsAfterMaxErrors_KeepingTheFirstOnes()
    {
        var schema = new AuthProxy.Tokens.DataHub.AccessTokenSchema();
        var document = Parse("{ " + string.Concat(Enumerable.Range(0, 50).Select(i => $"f{i} ")) + "}");

        var stopped = await Assert.ThrowsAsync<ValidationStoppedError>(() =>
            new DocumentValidator().ValidateAsync(Options(schema, document, [new ValidationGuardRule(10), .. DocumentValidator.CoreRules], CancellationToken.None)));

        Assert.Equal(10, stopped.Reported.Count);
        Assert.Equal("MAX_ERRORS_EXCEEDED", stopped.Code);
        Assert.Contains("'f0'", stopped.Reported[0].Message, StringComparison.Ordinal);
    }

    private static ValidationOptions Options(GraphQL.Types.ISchema schema, GraphQLDocument document, IEnumerable<IValidationRule> rules, CancellationToken token)
    {
        schema.Initialize();
        return new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = document.Definitions.OfType<GraphQLOperationDefinition>().First(),
            Rules = rules,
            CancellationToken = token,
            Variables = GraphQL.Inputs.Empty,
            Extensions = GraphQL.Inputs.Empty,
            Metrics = GraphQL.Instrumentation.Metrics.None,
        };
    }

    /// <summary>Counts the nodes of a document independently, with GraphQLParser's own visitor.</summary>
    private sealed class NodeCounter : ASTVisitor<NodeCounter.Context>
    {
        public static int Count(GraphQLDocument document)
        {
            var context = new Context();
            new NodeCounter().VisitAsync(document, context).AsTask().GetAwaiter().GetResult();
            return context.Nodes;
        }

        public override ValueTask VisitAsync(ASTNode? node, Context context)
        {
            if (node is not null)
            {
                context.Nodes++;
            }

            return base.VisitAsync(node, context);
        }

        public sealed class Context : IASTVisitorContext
        {
            public int Nodes { get; set; }

            public CancellationToken CancellationToken => CancellationToken.None;
        }
    }
}
