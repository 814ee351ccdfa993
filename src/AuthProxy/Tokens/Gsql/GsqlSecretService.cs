using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// TigerGraph's secrets: create, list, show (masked) and drop, for oneself or, with
/// <c>MANAGE_ACCESS_TOKENS</c>, for another user. Only a keyed hash and a masked form are kept.
/// No answer tells anything about another user's secret: a value that happens to be someone
/// else's secret is created like any other (and the other secret, known to two people now, is
/// retired), and every creation costs the caller one unit of the login throttling budgets.
/// </summary>
internal sealed partial class GsqlSecretService(
    IAuthProxyStore store,
    SecretHasher hasher,
    UserDirectory users,
    LoginThrottle throttle,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<GsqlSecretService> logger)
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// The user a request acts for: the caller, or the user named by <c>userName</c> when the
    /// caller holds <c>MANAGE_ACCESS_TOKENS</c> (globally; a token scoped to a graph carries no global privilege).
    /// </summary>
    public ServiceOutcome<User> Target(CallerIdentity caller, string? userName)
    {
        if (string.IsNullOrEmpty(userName) || string.Equals(userName, caller.User.Name, StringComparison.Ordinal))
        {
            return caller.User;
        }

        if (!caller.User.Holds(Privileges.ManageAccessTokens, null, caller.TokenGraph is not null))
        {
            return Denials.Because(RefusalKind.Privilege, $"user {caller.User.Name} lacks {Privileges.ManageAccessTokens}, needed to act for user {Denials.Show(userName)}");
        }

        return users.TryFind(userName, out var target)
            ? target
            : new Refusal(RefusalKind.NotFound, $"user {Denials.Show(userName)} does not exist");
    }

    /// <summary>Creates a secret for <paramref name="target"/>; the value is returned this once.</summary>
    public async Task<ServiceOutcome<CreatedSecret>> CreateAsync(CallerIdentity caller, User target, string? alias, string? value, IPAddress? address,
        CancellationToken cancellationToken)
    {
        if (caller.TokenGraph is not null)
        {
            // A secret mints global tokens: a credential scoped to a graph must not make one.
            return Denials.Token(RefusalKind.GraphScope, caller.MaskedCredential,
                $"is scoped to graph {Denials.Show(caller.TokenGraph)}; a token scoped to a graph cannot create secrets");
        }

        if (caller.Scheme != AuthSchemes.Basic)
        {
            // A secret never expires: made with a token, it would outlive the token that made it.
            return Denials.Because(RefusalKind.Privilege,
                "a secret never expires, so it is created with a password (Basic authentication), not with a token");
        }

        if (string.IsNullOrEmpty(alias))
        {
            alias = "AUTO_GENERATED_ALIAS_" + RandomNumberGenerator.GetString(Alphabet, 7);
        }
        else if (!AliasPattern().IsMatch(alias))
        {
            return new Refusal(RefusalKind.InvalidRequest, "an alias is 1 to 128 letters, digits, '_', '-' or '.'");
        }

        if (string.IsNullOrEmpty(value))
        {
            value = RandomNumberGenerator.GetString(Alphabet, 32);
        }
        else if (value.Length is < 16 or > 256 || value.AsSpan().ContainsAny(ControlCharacters) || !Storage.StoreText.CanHold(value))
        {
            return new Refusal(RefusalKind.InvalidRequest, "a secret value must be 16 to 256 characters, with no control characters");
        }

        if (await throttle.BeginAsync(caller.User.Name, address, cancellationToken) is null)
        {
            return Denials.Throttled(throttle.RetryAfter);
        }

        var limit = limits.Value.SecretsPerUser;
        var secret = new StoredSecret(target.Name, alias, hasher.Hash(value), Mask(value), time.GetUtcNow());
        var result = await store.AddSecretAsync(secret, limit, cancellationToken);
        switch (result.Outcome)
        {
            case SecretOutcome.AliasTaken:
                return new Refusal(RefusalKind.Conflict, $"user {target.Name} already has a secret with alias {alias}");
            case SecretOutcome.ValueTaken:
                return new Refusal(RefusalKind.Conflict, $"user {target.Name} already has a secret with this value");
            case SecretOutcome.LimitReached:
                return new Refusal(RefusalKind.LimitExceeded,
                    $"user {target.Name} already has {limit} secrets ({LimitsOptions.SectionName}:SecretsPerUser); drop one first");
        }

        if (result.Retired is { } retired)
        {
            Log.SecretRetired(logger, retired.Alias, retired.User, target.Name);
        }

        return new CreatedSecret(alias, value);
    }

    public Task<IReadOnlyList<StoredSecret>> ListAsync(User target, CancellationToken cancellationToken) =>
        store.ListSecretsAsync(target.Name, cancellationToken);

    public async Task<ServiceOutcome<StoredSecret>> GetAsync(User target, string alias, CancellationToken cancellationToken) =>
        await store.FindSecretAsync(target.Name, alias, cancellationToken) is { } secret
            ? secret
            : new Refusal(RefusalKind.NotFound, $"user {target.Name} has no secret with alias {Denials.Show(alias)}");

    /// <summary>Drops secrets named by alias or by value, all or none.</summary>
    public async Task<ServiceOutcome<IReadOnlyList<string>>> DropAsync(User target, IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        var aliases = new List<string>();
        var missing = new List<string>();
        foreach (var item in items)
        {
            var secret = await store.FindSecretAsync(target.Name, item, cancellationToken);
            if (secret is null && await store.FindSecretByHashAsync(hasher.Hash(item), cancellationToken) is { } byValue && byValue.User == target.Name)
            {
                secret = byValue;
            }

            if (secret is null)
            {
                missing.Add(TokenMask.Mask(item) is { Length: > 0 } masked && masked != "****" ? masked : Denials.Show(item));
            }
            else
            {
                aliases.Add(secret.Alias);
            }
        }

        if (missing.Count > 0)
        {
            return new Refusal(RefusalKind.NotFound, $"user {target.Name} has no secret named {string.Join(", ", missing)} (by alias or value); nothing was dropped");
        }

        return new ServiceOutcome<IReadOnlyList<string>>(await store.DeleteSecretsAsync(target.Name, aliases, [], cancellationToken), default);
    }

    /// <summary>TigerGraph's masked form of a secret: the first 3 characters, <c>****</c>, the last 3 (a character outside the BMP whole).</summary>
    private static string Mask(string secret) => string.Concat(TokenMask.Head(secret, 3), "****", TokenMask.Tail(secret, 3));

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,128}\z")]
    private static partial Regex AliasPattern();

    /// <summary>C0 and C1 controls and DEL: a secret is typed or pasted, never a control character (and PostgreSQL's text cannot hold NUL).</summary>
    private static readonly System.Buffers.SearchValues<char> ControlCharacters = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c)]);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SecretRetired, Level = LogLevel.Warning,
            Message = "Secret {Alias} of user {User} was retired: user {Creator} created a secret with the same value, so it is known to someone else")]
        public static partial void SecretRetired(ILogger logger, string alias, string user, string creator);
    }
}
