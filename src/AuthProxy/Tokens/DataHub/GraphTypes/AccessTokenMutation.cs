using GraphQL;
using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed class AccessTokenMutation : ObjectGraphType
{
    public AccessTokenMutation()
    {
        Name = "Mutation";
        Field<AccessTokenGraphType>("createAccessToken")
            .Description("Generates an access token for DataHub APIs for a particular user & of a particular type.")
            .Argument<NonNullGraphType<CreateAccessTokenInputGraphType>>("input")
            .ResolveAsync(async context =>
            {
                var input = context.GetArgument<Dictionary<string, object?>>("input");
                return await AccessTokenSchema.Service(context).CreateAsync(AccessTokenSchema.Caller(context),
                    (string)input["type"]!, (string)input["actorUrn"]!, (string)input["duration"]!, (string)input["name"]!,
                    input.GetValueOrDefault("description") as string, context.CancellationToken);
            });
        Field<NonNullGraphType<BooleanGraphType>>("revokeAccessToken")
            .Description("Revokes access tokens.")
            .Argument<NonNullGraphType<StringGraphType>>("tokenId")
            .ResolveAsync(async context => await AccessTokenSchema.Service(context).RevokeAsync(
                AccessTokenSchema.Caller(context), context.GetArgument<string>("tokenId"), context.CancellationToken));
    }
}
