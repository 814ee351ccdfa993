using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class ListAccessTokenInputGraphType : InputObjectGraphType
{
    public ListAccessTokenInputGraphType()
    {
        Name = "ListAccessTokenInput";
        Field<IntGraphType>("start").Description("The starting offset of the result set (default 0).");
        Field<IntGraphType>("count").Description("The number of results to be returned (default 20).");
        Field<ListGraphType<NonNullGraphType<FacetFilterInputGraphType>>>("filters").Description("Facet filters to apply to search results.");
    }
}
