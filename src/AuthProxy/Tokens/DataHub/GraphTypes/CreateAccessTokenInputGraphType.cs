using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class CreateAccessTokenInputGraphType : InputObjectGraphType
{
    public CreateAccessTokenInputGraphType()
    {
        Name = "CreateAccessTokenInput";
        Field<NonNullGraphType<AccessTokenTypeGraphType>>("type").Description("The type of the Access Token.");
        Field<NonNullGraphType<StringGraphType>>("actorUrn").Description("The actor associated with the Access Token.");
        Field<NonNullGraphType<AccessTokenDurationGraphType>>("duration").Description("The duration for which the Access Token is valid.");
        Field<NonNullGraphType<StringGraphType>>("name").Description("The name of the token to be generated.");
        Field<StringGraphType>("description").Description("Description of the token if defined.");
    }
}
