using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class AccessTokenTypeGraphType : EnumerationGraphType
{
    public AccessTokenTypeGraphType()
    {
        Name = "AccessTokenType";
        Description = "A type of DataHub Access Token.";
        Add("PERSONAL", "PERSONAL", "Generates a personal access token");
    }
}
