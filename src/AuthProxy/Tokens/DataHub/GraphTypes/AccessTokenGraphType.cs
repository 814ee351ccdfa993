using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class AccessTokenGraphType : ObjectGraphType<CreatedAccessToken>
{
    public AccessTokenGraphType()
    {
        Name = "AccessToken";
        Field<NonNullGraphType<StringGraphType>>("accessToken").Description("The access token itself").Resolve(c => c.Source.AccessToken);
        Field<AccessTokenMetadataGraphType>("metadata").Description("Metadata about the generated token").Resolve(c => c.Source.Metadata);
    }
}
