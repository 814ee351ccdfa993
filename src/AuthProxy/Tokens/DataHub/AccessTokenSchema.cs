using AuthProxy.Authentication;
using AuthProxy.Storage;
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

internal sealed class AccessTokenQuery : ObjectGraphType
{
    public AccessTokenQuery()
    {
        Name = "Query";
        Field<NonNullGraphType<ListAccessTokenResultGraphType>>("listAccessTokens")
            .Description("List access tokens stored in DataHub.")
            .Argument<NonNullGraphType<ListAccessTokenInputGraphType>>("input")
            .ResolveAsync(async context =>
            {
                var input = context.GetArgument<Dictionary<string, object?>>("input");
                var start = input.GetValueOrDefault("start") as int? ?? 0;
                var count = input.GetValueOrDefault("count") as int? ?? 20;
                var filters = Filters(input.GetValueOrDefault("filters"));
                var page = await AccessTokenSchema.Service(context).ListAsync(AccessTokenSchema.Caller(context), start, count, filters, context.CancellationToken);
                return new ListAccessTokenResult(start, page.Tokens.Count, page.Total, page.Tokens);
            });
        Field<NonNullGraphType<AccessTokenMetadataGraphType>>("getAccessTokenMetadata")
            .Description("Fetches the metadata of an access token.")
            .Argument<NonNullGraphType<StringGraphType>>("token")
            .ResolveAsync(async context => await AccessTokenSchema.Service(context).MetadataAsync(
                AccessTokenSchema.Caller(context), context.GetArgument<string>("token"), context.CancellationToken));
    }

    private static List<(string Field, IReadOnlyList<string> Values)> Filters(object? raw)
    {
        var filters = new List<(string, IReadOnlyList<string>)>();
        foreach (var item in raw as IEnumerable<object?> ?? [])
        {
            if (item is not IDictionary<string, object?> filter)
            {
                continue;
            }

            if (filter.TryGetValue("negated", out var negated) && negated is true)
            {
                throw new ExecutionError("Negated filters are not supported for access tokens.") { Code = "BAD_REQUEST" };
            }

            var values = new List<string>();
            if (filter.TryGetValue("value", out var value) && value is string single)
            {
                values.Add(single);
            }

            if (filter.TryGetValue("values", out var many) && many is IEnumerable<object?> list)
            {
                values.AddRange(list.OfType<string>());
            }

            filters.Add(((string)filter["field"]!, values.Distinct(StringComparer.Ordinal).ToList()));
        }

        return filters;
    }
}

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

internal sealed class AccessTokenTypeGraphType : EnumerationGraphType
{
    public AccessTokenTypeGraphType()
    {
        Name = "AccessTokenType";
        Description = "A type of DataHub Access Token.";
        Add("PERSONAL", "PERSONAL", "Generates a personal access token");
    }
}

internal sealed class AccessTokenDurationGraphType : EnumerationGraphType
{
    public AccessTokenDurationGraphType()
    {
        Name = "AccessTokenDuration";
        Description = "The duration for which an Access Token is valid.";
        foreach (var (name, description) in new[]
        {
            ("ONE_HOUR", "1 hour"), ("ONE_DAY", "1 day"), ("ONE_WEEK", "1 week"), ("ONE_MONTH", "1 month"),
            ("THREE_MONTHS", "3 months"), ("SIX_MONTHS", "6 months"), ("ONE_YEAR", "1 year"), ("NO_EXPIRY", "No expiry"),
        })
        {
            Add(name, name, description);
        }
    }
}

internal sealed class EntityTypeGraphType : EnumerationGraphType
{
    public EntityTypeGraphType()
    {
        Name = "EntityType";
        Description = "A standard Entity Type";
        Add("ACCESS_TOKEN", "ACCESS_TOKEN", "A DataHub Access Token");
    }
}

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

internal sealed class AccessTokenGraphType : ObjectGraphType<CreatedAccessToken>
{
    public AccessTokenGraphType()
    {
        Name = "AccessToken";
        Field<NonNullGraphType<StringGraphType>>("accessToken").Description("The access token itself").Resolve(c => c.Source.AccessToken);
        Field<AccessTokenMetadataGraphType>("metadata").Description("Metadata about the generated token").Resolve(c => c.Source.Metadata);
    }
}

internal sealed record ListAccessTokenResult(int Start, int Count, int Total, IReadOnlyList<IssuedToken> Tokens);

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
