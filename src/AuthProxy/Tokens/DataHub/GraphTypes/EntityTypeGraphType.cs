using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class EntityTypeGraphType : EnumerationGraphType
{
    public EntityTypeGraphType()
    {
        Name = "EntityType";
        Description = "A standard Entity Type";
        Add("ACCESS_TOKEN", "ACCESS_TOKEN", "A DataHub Access Token");
    }
}
