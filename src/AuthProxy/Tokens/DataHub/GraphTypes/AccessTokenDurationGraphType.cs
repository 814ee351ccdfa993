using GraphQL.Types;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

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
