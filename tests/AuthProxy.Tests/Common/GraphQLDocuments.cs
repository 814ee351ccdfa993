using System.Globalization;
using System.Text;

namespace AuthProxy.Tests.Common;

/// <summary>
/// GraphQL documents for the bounds at <c>/api/graphql</c>: the adversarial shapes of the
/// denial-of-service class, each about as large as a request may be (64 KB), with the code it is
/// refused with under the default <c>AuthProxy:GraphQL</c> settings; and the introspection queries
/// real clients send. Shared with the benchmarks.
/// </summary>
public static class GraphQLDocuments
{
    /// <summary>Characters each adversarial document is filled to: its JSON request stays under 64 KiB.</summary>
    public const int Size = 60_000;

    /// <summary>The shape from the issue: <c>F0</c>…<c>F{levels}</c>, each spreading the next twice.</summary>
    public static string FragmentBomb(int levels)
    {
        var text = new StringBuilder("{getAccessTokenMetadata(token:\"x\"){...F0}}");
        for (var i = 0; i < levels; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" fragment F{i} on AccessTokenMetadata{{id ...F{i + 1} ...F{i + 1}}}");
        }

        return text.Append(CultureInfo.InvariantCulture, $" fragment F{levels} on AccessTokenMetadata{{id}}").ToString();
    }

    /// <summary>A bomb that doubles through nesting instead: each level spreads the next in two fields, so no name repeats.</summary>
    public static string NestedFragmentBomb(int levels)
    {
        var text = new StringBuilder("{...F0}");
        for (var i = 0; i < levels; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" fragment F{i} on Query{{a{{...F{i + 1}}} b{{...F{i + 1}}}}}");
        }

        return text.Append(CultureInfo.InvariantCulture, $" fragment F{levels} on Query{{a}}").ToString();
    }

    /// <summary><paramref name="count"/> aliased <c>createAccessToken</c> root fields in one mutation, for <paramref name="user"/>.</summary>
    public static string Mutations(int count, string user, string prefix = "m")
    {
        var text = new StringBuilder("mutation {");
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $" {prefix}{i}: createAccessToken(input: {{type: PERSONAL, actorUrn: \"urn:li:corpuser:{user}\", duration: ONE_HOUR, name: \"{prefix}{i}\"}}) {{ accessToken }}");
        }

        return text.Append(" }").ToString();
    }

    /// <summary>The same document behind a comment that fills it to <see cref="Size"/>.</summary>
    public static string Pad(string query) => "#" + new string('.', Math.Max(0, Size - query.Length - 2)) + "\n" + query;

    /// <summary><paramref name="head"/>, then <paramref name="item"/> for 0, 1, 2, ... as long as it fits in <see cref="Size"/>, then <paramref name="tail"/>.</summary>
    public static string Fill(string head, Func<int, string> item, string tail)
    {
        var text = new StringBuilder(head);
        for (var i = 0; ; i++)
        {
            var next = item(i);
            if (text.Length + next.Length + tail.Length > Size)
            {
                break;
            }

            text.Append(next);
        }

        return text.Append(tail).ToString();
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static string N(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Every adversarial shape, about 64 KB each, and the code it is refused with; null for the
    /// costliest documents within every bound, which are answered.
    /// </summary>
    public static IReadOnlyDictionary<string, (string Query, string? Code)> Worst { get; } = new Dictionary<string, (string, string?)>
    {
        ["fragment-bomb"] = (Pad(FragmentBomb(30)), "MAX_FRAGMENTS_EXCEEDED"),
        ["fragment-bomb-within-counts"] = (Pad(FragmentBomb(19)), "MAX_FIELD_REPEATS_EXCEEDED"),
        ["nested-fragment-bomb"] = (Pad(NestedFragmentBomb(12)), "MAX_SELECTIONS_EXCEEDED"),
        ["aliases"] = (Fill("{", i => $"a{N(i)}: __typename ", "}"), "MAX_ALIASES_EXCEEDED"),
        ["repeated-field"] = (Fill("{", _ => "__typename ", "}"), "MAX_FIELD_REPEATS_EXCEEDED"),
        ["conflicting-arguments"] = (Fill("{", i => $"tokens(first: {N(i)}) {{ id }} ", "}"), "MAX_FIELD_REPEATS_EXCEEDED"),
        ["distinct-fields"] = (Fill("{", i => $"f{N(i)} ", "}"), "MAX_SELECTIONS_EXCEEDED"),
        ["deep-selections"] = (Fill("", _ => "{a", ""), "MAX_DEPTH_EXCEEDED"),
        ["deep-selections-through-fragments"] = (Pad("{...F0} " + string.Concat(Enumerable.Range(0, 15).Select(i => $"fragment F{N(i)} on Query {{ a {{ ...F{N(i + 1)} }} }} "))
            + "fragment F15 on Query { a }"), "MAX_DEPTH_EXCEEDED"),
        ["deep-values"] = (Fill("{ getAccessTokenMetadata(token: ", _ => "[", ") { id } }"), "MAX_DEPTH_EXCEEDED"),
        ["value-depth"] = (Pad("{ getAccessTokenMetadata(token: " + Repeat("[", 11) + "1" + Repeat("]", 11) + ") { id } }"), "MAX_VALUE_DEPTH_EXCEEDED"),
        ["wide-values"] = (Fill("{ getAccessTokenMetadata(token: [", _ => "1, ", "1]) { id } }"), "MAX_NODES_EXCEEDED"),
        ["variables"] = (Fill("query(", i => $"$v{N(i)}: Int ", ") { __typename }"), "MAX_VARIABLES_EXCEEDED"),
        ["variable-uses"] = (Fill("{ f(x: [", i => $"$v{N(i)} ", "]) }"), "MAX_VARIABLES_EXCEEDED"),
        ["directives"] = (Fill("{ __typename ", _ => "@skip(if: false) ", "}"), "MAX_DIRECTIVES_EXCEEDED"),
        ["arguments"] = (Fill("{ getAccessTokenMetadata(", i => $"a{N(i)}: 1 ", ") { id } }"), "MAX_ARGUMENTS_EXCEEDED"),
        ["long-name"] = (Fill("{ ", _ => "a", " }"), "MAX_NAME_LENGTH_EXCEEDED"),
        ["operations"] = (Fill("", i => $"query Q{N(i)} {{ __typename }} ", ""), "MAX_OPERATIONS_EXCEEDED"),
        ["fragments"] = (Fill("{ __typename } ", i => $"fragment F{N(i)} on Query {{ __typename }} ", ""), "MAX_FRAGMENTS_EXCEEDED"),
        ["spreads"] = (Fill("{ ", i => $"f{N(i)} {{ ...F }} ", "} fragment F on Query { __typename }"), "MAX_SPREADS_EXCEEDED"),
        ["fragment-cycle"] = (Pad("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), "NO_FRAGMENT_CYCLES"),
        ["validation-errors"] = (Pad("{ " + string.Concat(Enumerable.Range(0, 150).Select(i => $"f{N(i)} ")) + "}"), "MAX_ERRORS_EXCEEDED"),
        ["conflicts-within-bounds"] = (Pad("{ " + string.Concat(Enumerable.Range(0, 25).Select(k => $"f{N(k)} f{N(k)}(x: 1) f{N(k)}(x: 2) "))
            + string.Concat(Enumerable.Range(0, 20).Select(k => $"g{N(k)} g{N(k)} g{N(k)}: h ")) + "}"), "MAX_ERRORS_EXCEEDED"),
        ["introspection-twice"] = (Pad(IntrospectionTwice), null),
        ["type-definitions"] = (Fill("", i => $"type T{N(i)} {{ f: Int }} ", ""), "BAD_REQUEST"),
        ["mutations"] = (Pad(Mutations(100, "kevin")), "MAX_MUTATIONS_EXCEEDED"),
    };

    /// <summary>graphql-js's <c>getIntrospectionQuery()</c> with its defaults (GraphiQL's): nine <c>ofType</c> levels, 15 deep.</summary>
    public const string GraphQLJsIntrospection = """
        query IntrospectionQuery {
          __schema {
            queryType { name kind }
            mutationType { name kind }
            subscriptionType { name kind }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { name kind ofType { name kind ofType { name kind ofType { name kind ofType { name kind
            ofType { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } } } }
        }
        """;

    /// <summary>GraphiQL's introspection twice over in one query (two aliases): about 450 fields once expanded, within every bound.</summary>
    public static string IntrospectionTwice => "{ a: __schema { ...Schema } b: __schema { ...Schema } } "
        + "fragment Schema on __Schema { queryType { name kind } mutationType { name kind } subscriptionType { name kind } types { ...FullType } "
        + "directives { name description locations args { ...InputValue } } } "
        + GraphQLJsIntrospection[GraphQLJsIntrospection.IndexOf("fragment FullType", StringComparison.Ordinal)..];

    /// <summary>graphql-dotnet's own introspection query (its tests' <c>IntrospectionQuery.graphql</c>).</summary>
    public const string GraphQLDotnetIntrospection = """
        query IntrospectionQuery {
          __schema {
            description
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }
        fragment FullType on __Type {
          kind name description
          fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
          isOneOf
        }
        fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
        fragment TypeRef on __Type {
          kind name
          ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
            ofType { kind name ofType { kind name } } } } } } }
        }
        """;
}
