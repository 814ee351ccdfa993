using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class FacetFilterInputGraphType : InputObjectGraphType
{
    public FacetFilterInputGraphType()
    {
        Name = "FacetFilterInput";
        Field<NonNullGraphType<StringGraphType>>("field").Description("Name of field to filter by (ownerUrn or actorUrn).");
        Field<StringGraphType>("value").Description("Value of the field to filter by.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("values").Description("Values, one of which the field must match.");
        Field<BooleanGraphType>("negated").Description("Whether the filter is negated (not supported for access tokens).");
    }
}
