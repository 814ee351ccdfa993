using System.Text.RegularExpressions;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Storage;
using AuthProxy.Users;
using GraphQL;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// DataHub's personal access tokens: who may create, list, inspect and revoke which tokens. A
/// refusal is a GraphQL error with a clear message and a code (DataHub's <c>UNAUTHORIZED</c>,
/// plus <c>BAD_REQUEST</c> and <c>NOT_FOUND</c>).
/// </summary>
internal sealed partial class PersonalTokenService(TokenIssuer issuer, TokenRevoker revoker, IAuthProxyStore store, UserDirectory users,
    IOptions<PersonalTokenOptions> options, TimeProvider time)
{
    private const string GeneratePersonalAccessTokens = Privileges.GeneratePersonalAccessTokens;
    private const string ManageAccessTokens = Privileges.ManageAccessTokens;
    public const string UserUrnPrefix = "urn:li:corpuser:";
    public const string TokenUrnPrefix = "urn:li:dataHubAccessToken:";

    /// <summary>DataHub's message for every authorization refusal.</summary>
    private const string Unauthorized = "Unauthorized to perform this action. Please contact your DataHub administrator.";

    /// <summary>The lifetime of each <c>AccessTokenDuration</c>; null never expires.</summary>
    public static TimeSpan? Lifetime(string duration) => duration switch
    {
        "ONE_HOUR" => TimeSpan.FromHours(1),
        "ONE_DAY" => TimeSpan.FromDays(1),
        "ONE_WEEK" => TimeSpan.FromDays(7),
        "ONE_MONTH" => TimeSpan.FromDays(30),
        "THREE_MONTHS" => TimeSpan.FromDays(90),
        "SIX_MONTHS" => TimeSpan.FromDays(180),
        "ONE_YEAR" => TimeSpan.FromDays(365),
        _ => null,
    };

    public async Task<CreatedAccessToken> CreateAsync(CallerIdentity caller, string type, string actorUrn, string duration, string name, string? description,
        CancellationToken cancellationToken)
    {
        if (type != "PERSONAL")
        {
            throw Error("BAD_REQUEST", $"Only PERSONAL access tokens can be created, not {type}.");
        }

        if (Gsql.GsqlTokenService.RefuseMinting(caller) is not null)
        {
            throw Error("UNAUTHORIZED", Unauthorized + (caller.TokenGraph is not null
                ? " A token scoped to a graph cannot create tokens."
                : " A token made from that many tokens in a row cannot create tokens."));
        }

        // The privilege is decided on the name before anything is looked up, so the answer never tells whether a user exists.
        var actorName = UserName(actorUrn);
        if (!MayActFor(caller, actorName))
        {
            throw Error("UNAUTHORIZED", Unauthorized + $" Creating a token for {actorUrn} needs {(IsSelf(caller, actorName) ? GeneratePersonalAccessTokens : ManageAccessTokens)}.");
        }

        var actor = UserOf(actorUrn);

        if (string.IsNullOrWhiteSpace(name) || name.Length > 256 || (description?.Length ?? 0) > 1024)
        {
            throw Error("BAD_REQUEST", "A token needs a name of 1 to 256 characters; a description is at most 1024 characters.");
        }

        var lifetime = Lifetime(duration);
        var limits = options.Value;
        if (lifetime is null && (!limits.AllowNoExpiry || limits.MaxDuration is not null))
        {
            throw Error("BAD_REQUEST", "Tokens that never expire (NO_EXPIRY) are disabled here; choose a duration.");
        }

        if (lifetime is { } span && limits.MaxDuration is { } max && span > max)
        {
            throw Error("BAD_REQUEST", $"The longest duration allowed here is {max.TotalDays:0.##} days; {duration} is longer.");
        }

        if (caller.Scheme == AuthSchemes.Bearer && caller.ExpiresAt is { } callerExpires
            && (lifetime is null || time.GetUtcNow() + lifetime.Value > callerExpires))
        {
            // A token never outlives the token presented to make it.
            throw Error("BAD_REQUEST",
                $"A token created with a Bearer token cannot outlive it (it expires at {Errors.Denials.Time(callerExpires)}): choose a shorter duration, or sign in with a password.");
        }

        var bearer = caller.Scheme == AuthSchemes.Bearer;
        var issued = await issuer.IssueAsync(new TokenRequest(actor.Name, TokenFamily.Personal, null, lifetime, name.Trim(), description, caller.User.Name,
            Ancestors: bearer ? RevocationKeys.LineageOf(caller) : null), cancellationToken)
            ?? throw Error("BAD_REQUEST",
                $"{actorUrn} already holds {issuer.LimitFor(TokenFamily.Personal)} personal access tokens ({Configuration.LimitsOptions.SectionName}:PersonalTokensPerUser); revoke some first.");
        return new CreatedAccessToken(issued.Token, issued.Record);
    }

    public async Task<TokenPage> ListAsync(CallerIdentity caller, int start, int count, IReadOnlyList<(string Field, IReadOnlyList<string> Values)> filters,
        CancellationToken cancellationToken)
    {
        if (start < 0 || count is < 0 or > 1000)
        {
            throw Error("BAD_REQUEST", "start must be 0 or more and count from 0 to 1000.");
        }

        string? owner = null;
        string? actor = null;
        foreach (var (field, values) in filters)
        {
            if (values.Count != 1)
            {
                throw Error("BAD_REQUEST", $"The {field} filter takes exactly one value.");
            }

            switch (field)
            {
                case "ownerUrn":
                    owner = UserName(values[0]);
                    break;
                case "actorUrn":
                    actor = UserName(values[0]);
                    break;
                default:
                    throw Error("BAD_REQUEST", $"Tokens can be filtered by ownerUrn and actorUrn, not {field}.");
            }
        }

        // DataHub: listing one's own tokens needs an ownerUrn filter naming oneself; anything else needs MANAGE_ACCESS_TOKENS.
        var manager = Holds(caller, ManageAccessTokens);
        var ownOnly = owner is not null && IsSelf(caller, owner) && Holds(caller, GeneratePersonalAccessTokens);
        if (!manager && !ownOnly)
        {
            throw Error("UNAUTHORIZED", Unauthorized + $" Listing tokens needs {ManageAccessTokens}, or an ownerUrn filter naming yourself and {GeneratePersonalAccessTokens}.");
        }

        return await store.ListIssuedTokensAsync(new TokenQuery(TokenFamily.Personal, actor, start, count, Owner: owner), cancellationToken);
    }

    public async Task<bool> RevokeAsync(CallerIdentity caller, string tokenId, CancellationToken cancellationToken)
    {
        var token = await FindAsync(caller, tokenId, cancellationToken);
        await revoker.RevokeAsync(token.RevocationKey, token.ExpiresAt, TokenFamily.Personal, cancellationToken);
        return true;
    }

    public async Task<IssuedToken> MetadataAsync(CallerIdentity caller, string token, CancellationToken cancellationToken) =>
        await FindAsync(caller, TokenHash.Of(token.Trim()).ToString(), cancellationToken);

    private async Task<IssuedToken> FindAsync(CallerIdentity caller, string tokenId, CancellationToken cancellationToken)
    {
        var token = await store.FindIssuedTokenAsync(tokenId, cancellationToken);
        if (token is null || token.Family != TokenFamily.Personal || token.RevokedAt is not null)
        {
            throw Error("NOT_FOUND", "No personal access token has that id (it may have been revoked).");
        }

        var own = IsSelf(caller, token.User) || IsSelf(caller, token.Owner ?? token.User);
        if (!Holds(caller, ManageAccessTokens) && !(own && Holds(caller, GeneratePersonalAccessTokens)))
        {
            throw Error("UNAUTHORIZED", Unauthorized);
        }

        return token;
    }

    private static bool MayActFor(CallerIdentity caller, string user) =>
        Holds(caller, ManageAccessTokens) || (IsSelf(caller, user) && Holds(caller, GeneratePersonalAccessTokens));

    private static bool IsSelf(CallerIdentity caller, string user) => string.Equals(caller.User.Name, user, StringComparison.Ordinal);

    private static bool Holds(CallerIdentity caller, string privilege) => caller.User.Holds(privilege, null, caller.TokenGraph is not null);

    private User UserOf(string urn) =>
        users.TryFind(UserName(urn), out var user) ? user : throw Error("BAD_REQUEST", $"{urn} names no user.");

    private static string UserName(string urn)
    {
        var match = UserUrnPattern().Match(urn);
        return match.Success ? match.Groups[1].Value : throw Error("BAD_REQUEST", $"'{Errors.Denials.Show(urn)}' is not a user urn (urn:li:corpuser:NAME).");
    }

    private static ExecutionError Error(string code, string message) => new(message) { Code = code };

    [GeneratedRegex(@"^urn:li:corpuser:([^\s:]{1,128})\z")]
    private static partial Regex UserUrnPattern();
}
