using AuthProxy.Authentication;
using AuthProxy.Tokens.DataHub.GraphTypes;
using GraphQL;
using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// The personal access token part of DataHub's GraphQL schema (<c>auth.graphql</c>):
/// <c>createAccessToken</c>, <c>listAccessTokens</c>, <c>revokeAccessToken</c>,
/// <c>getAccessTokenMetadata</c>.
/// </summary>
internal sealed class AccessTokenSchema : Schema
{
    public AccessTokenSchema()
    {
        Query = new AccessTokenQuery();
        Mutation = new AccessTokenMutation();
    }

    /// <summary>The caller the endpoint authenticated; never a header the client sends.</summary>
    internal static CallerIdentity Caller(IResolveFieldContext context) =>
        CallerIdentity.From(context.User) ?? throw new ExecutionError("Unauthorized to perform this action. Please contact your DataHub administrator.") { Code = "UNAUTHORIZED" };

    internal static PersonalTokenService Service(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<PersonalTokenService>();
}
