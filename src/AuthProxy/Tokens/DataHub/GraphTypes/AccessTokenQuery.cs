using GraphQL;
using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

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
