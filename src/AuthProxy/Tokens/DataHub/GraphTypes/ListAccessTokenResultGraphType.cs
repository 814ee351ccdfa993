using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class ListAccessTokenResultGraphType : ObjectGraphType<ListAccessTokenResult>
{
    public ListAccessTokenResultGraphType()
    {
        Name = "ListAccessTokenResult";
        Field<NonNullGraphType<IntGraphType>>("start").Description("The starting offset of the result set").Resolve(c => c.Source.Start);
        Field<NonNullGraphType<IntGraphType>>("count").Description("The number of results to be returned").Resolve(c => c.Source.Count);
        Field<NonNullGraphType<IntGraphType>>("total").Description("The total number of results in the result set").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AccessTokenMetadataGraphType>>>>("tokens").Description("The token metadata themselves")
            .Resolve(c => c.Source.Tokens);
    }
}
