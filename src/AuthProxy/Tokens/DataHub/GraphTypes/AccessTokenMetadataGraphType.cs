using AuthProxy.Storage;
using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class AccessTokenMetadataGraphType : ObjectGraphType<IssuedToken>
{
    public AccessTokenMetadataGraphType()
    {
        Name = "AccessTokenMetadata";
        Field<NonNullGraphType<StringGraphType>>("urn").Description("The primary key of the access token")
            .Resolve(c => PersonalTokenService.TokenUrnPrefix + c.Source.TokenHash);
        Field<NonNullGraphType<EntityTypeGraphType>>("type").Description("The standard Entity Type").Resolve(_ => "ACCESS_TOKEN");
        Field<NonNullGraphType<StringGraphType>>("id").Description("The unique identifier of the token.").Resolve(c => c.Source.TokenHash);
        Field<NonNullGraphType<StringGraphType>>("name").Description("The name of the token, if it exists.").Resolve(c => c.Source.Name ?? string.Empty);
        Field<StringGraphType>("description").Description("The description of the token if defined.").Resolve(c => c.Source.Description);
        Field<NonNullGraphType<StringGraphType>>("actorUrn").Description("The actor associated with the Access Token.")
            .Resolve(c => PersonalTokenService.UserUrnPrefix + c.Source.User);
        Field<NonNullGraphType<StringGraphType>>("ownerUrn").Description("The actor who created the Access Token.")
            .Resolve(c => PersonalTokenService.UserUrnPrefix + (c.Source.Owner ?? c.Source.User));
        Field<NonNullGraphType<LongGraphType>>("createdAt").Description("The time when token was generated at.")
            .Resolve(c => c.Source.IssuedAt.ToUnixTimeMilliseconds());
        Field<LongGraphType>("expiresAt").Description("Time when token will be expired.").Resolve(c => c.Source.ExpiresAt?.ToUnixTimeMilliseconds());
    }
}
