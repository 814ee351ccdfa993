using System.Globalization;
using System.Net;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Storage;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// TigerGraph's GSQL tokens: create (with a secret or a login), drop into the caller's block list,
/// clear it, and check a token. Holds the bounds every token service keeps: a token never comes
/// out wider (graph, privileges) or longer-lived than the credential that asked for it, and a
/// token scoped to a graph can neither mint nor unblock tokens.
/// </summary>
internal sealed class GsqlTokenService(
    TokenIssuer issuer,
    TokenRevoker revoker,
    TokenValidator validator,
    RevocationList revocations,
    SecretHasher hasher,
    IAuthProxyStore store,
    UserDirectory users,
    LoginThrottle throttle,
    IOptions<GsqlTokenOptions> options,
    IOptions<OwnTokenOptions> own)
{
    /// <summary>The one answer <c>/gsql/v1/tokens/check</c> gives for anything that is not a token AuthProxy issued.</summary>
    public static readonly Refusal NotOurs = Denials.Because(RefusalKind.Verification, "the token is not a valid token issued by this AuthProxy");

    public long DefaultLifetime => options.Value.DefaultLifetime;

    public long MaxLifetime => options.Value.MaxLifetime;

    /// <summary>The owner of a secret, for a token request that carries one. Throttled per client address like a login.</summary>
    public async Task<ServiceOutcome<User>> UserOfSecretAsync(string secret, IPAddress? address, CancellationToken cancellationToken)
    {
        if (await throttle.BeginAsync(null, address, cancellationToken) is not { } attempt)
        {
            return Denials.Throttled(throttle.RetryAfter);
        }

        var stored = await store.FindSecretByHashAsync(hasher.Hash(secret), cancellationToken);
        if (stored is null)
        {
            return Denials.Because(RefusalKind.Verification, "the secret is invalid");
        }

        if (!users.TryFind(stored.User, out var user))
        {
            return Denials.Because(RefusalKind.Verification, "the secret is invalid"); // its user is gone: the same answer as no secret at all
        }

        await throttle.SucceededAsync(attempt, cancellationToken);
        return user;
    }

    /// <summary>
    /// Whether <paramref name="caller"/> (a login, not a secret) may mint tokens at all: a token
    /// scoped to a graph may not. Null when it may.
    /// </summary>
    public static Refusal? RefuseMinting(CallerIdentity caller) =>
        caller.TokenGraph is not null
            ? Denials.Token(RefusalKind.GraphScope, caller.MaskedCredential,
                $"is scoped to graph {Denials.Show(caller.TokenGraph)}; a token scoped to a graph cannot create tokens")
            : caller.Ancestors.Length >= RevocationKeys.MaxAncestors
                ? Denials.Token(RefusalKind.Privilege, caller.MaskedCredential,
                    $"was made from {caller.Ancestors.Length} tokens in a row; a token that deep cannot create tokens (sign in with a password)")
                : null;

    /// <summary>
    /// Creates a token for <paramref name="user"/>. <paramref name="caller"/> is who asked with a
    /// login (null for a secret): a token made with a Bearer token never outlives it, and carries
    /// its lineage, so revoking or blocking the token it was made with refuses it too.
    /// </summary>
    public async Task<ServiceOutcome<IssuedTokenResult>> CreateAsync(User user, CallerIdentity? caller, string? graph, long lifetimeMs,
        CancellationToken cancellationToken)
    {
        if (lifetimeMs > MaxLifetime)
        {
            return new Refusal(RefusalKind.InvalidRequest,
                $"lifetime {lifetimeMs} ms is longer than the longest allowed, {MaxLifetime} ms ({GsqlTokenOptions.SectionName}:MaxLifetime)");
        }

        if (graph is not null && !UsersReader.CanBeGraphName(graph))
        {
            return new Refusal(RefusalKind.InvalidRequest,
                $"graph {Denials.Show(graph)} is not a graph name (1 to 128 characters with no spaces, ':', '*' or control characters)");
        }

        if (graph is not null && !user.HasAccessTo(graph))
        {
            return Denials.Because(RefusalKind.GraphScope, $"user {user.Name} has no access to graph {Denials.Show(graph)}");
        }

        var bearer = caller is { Scheme: AuthSchemes.Bearer };
        var issued = await issuer.IssueAsync(new TokenRequest(user.Name, TokenFamily.Gsql, graph, TimeSpan.FromMilliseconds(lifetimeMs),
            NotAfter: bearer ? caller!.ExpiresAt : null, Ancestors: bearer ? RevocationKeys.LineageOf(caller!) : null), cancellationToken);
        return issued is null ? LimitReached(user.Name) : issued;
    }

    /// <summary>Adds the caller's own tokens to the caller's block list, all or none.</summary>
    public async Task<ServiceOutcome<int>> DropAsync(CallerIdentity caller, IReadOnlyList<string> tokens, CancellationToken cancellationToken)
    {
        var entries = new List<BlockedToken>();
        for (var i = 0; i < tokens.Count; i++)
        {
            // Revocation is not checked: a revoked token can still be blocked (the records are separate).
            var validation = await validator.ValidateAsync(tokens[i], TokenUse.Revocation, cancellationToken);
            if (!validation.Succeeded)
            {
                if (validation.Refusal.Kind is RefusalKind.Expired)
                {
                    continue; // already unusable: nothing to block
                }

                return new Refusal(RefusalKind.InvalidRequest, $"token {i + 1} cannot be dropped: {validation.Refusal.Message}. Nothing was dropped.");
            }

            var owner = validation.Caller!;
            if (!string.Equals(owner.User.Name, caller.User.Name, StringComparison.Ordinal))
            {
                return Denials.Because(RefusalKind.Privilege,
                    $"token {i + 1} ({owner.MaskedCredential}) belongs to another user; only your own tokens can be dropped. Nothing was dropped");
            }

            entries.Add(new BlockedToken(caller.User.Name, RevocationKeys.Of(tokens[i], owner), owner.ExpiresAt ?? DateTimeOffset.MaxValue));
        }

        var limit = options.Value.DropLimit;
        var outcome = await revoker.BlockAsync(caller.User.Name, entries, limit, cancellationToken);
        if (!outcome.Added)
        {
            return new Refusal(RefusalKind.LimitExceeded,
                $"The token block list holds at most {limit} tokens ({GsqlTokenOptions.SectionName}:DropLimit); dropping these would make {outcome.Count}. Nothing was dropped: clear the list with ?clear=true or wait for blocked tokens to expire.");
        }

        return entries.Count;
    }

    /// <summary>Empties the caller's block list; a token scoped to a graph may not (it would revive other tokens).</summary>
    public async Task<ServiceOutcome<int>> ClearAsync(CallerIdentity caller, CancellationToken cancellationToken)
    {
        if (caller.TokenGraph is not null)
        {
            return Denials.Token(RefusalKind.GraphScope, caller.MaskedCredential,
                $"is scoped to graph {Denials.Show(caller.TokenGraph)}; a token scoped to a graph cannot clear the block list");
        }

        return await revoker.ClearAsync(caller.User.Name, cancellationToken);
    }

    /// <summary>
    /// Whether a token AuthProxy issued is valid. Only AuthProxy's own tokens (signature verified
    /// with its keys) get a specific answer; anything else gets <see cref="NotOurs"/>, and costs the
    /// client address one unit of its throttling budget.
    /// </summary>
    public async Task<ServiceOutcome<CheckedToken>> CheckAsync(string token, IPAddress? address, CancellationToken cancellationToken)
    {
        if (await throttle.BeginAsync(null, address, cancellationToken) is not { } attempt)
        {
            return Denials.Throttled(throttle.RetryAfter);
        }

        // Only a token naming AuthProxy as its issuer is looked at: nothing else is verified, so the
        // answer cannot tell a good third-party signature from a bad one, or trigger key fetches.
        if (token.Length <= TokenValidator.MaxTokenLength && token.AsSpan().Count('.') == 2
            && CompactJwsReader.TryRead(token, out _, out var claims, out _)
            && string.Equals(claims.Issuer, own.Value.Issuer, StringComparison.Ordinal))
        {
            var validation = await validator.ValidateAsync(token, TokenUse.Inspection, cancellationToken);
            if (validation.VerifiedBy is { IsAuthProxy: true })
            {
                await throttle.SucceededAsync(attempt, cancellationToken);
                if (!validation.Succeeded)
                {
                    return new CheckedToken(null, validation.Refusal);
                }

                var caller = validation.Caller!;
                return revocations.IsRevoked(token, caller.TokenId)
                    ? new CheckedToken(null, Denials.Token(RefusalKind.Revoked, caller.MaskedCredential, "has been revoked"))
                    : new CheckedToken(caller, default);
            }
        }

        return new CheckedToken(null, NotOurs);
    }

    /// <summary>How TigerGraph 4 writes an expiration: UTC, <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private Refusal LimitReached(string user) => new(RefusalKind.LimitExceeded,
        $"user {user} already holds {issuer.LimitFor(TokenFamily.Gsql)} live tokens ({LimitsOptions.SectionName}:TokensPerUser); none was created: drop some or wait for them to expire");
}
