using AuthProxy.Storage;
using AuthProxy.Telemetry;

namespace AuthProxy.Tokens;

/// <summary>
/// Writes revocations and block list changes to the store and, once committed, to the in-memory
/// <see cref="RevocationList"/>: the next request with a revoked token is refused.
/// </summary>
internal sealed class TokenRevoker(IAuthProxyStore store, RevocationList revocations, TimeProvider time, AuthProxyMetrics metrics)
{
    /// <summary>
    /// How long past its token's expiry a revocation or block is kept: a token is accepted until
    /// its expiry plus the clock skew, so the entry must outlive that (at the largest skew allowed).
    /// </summary>
    public static readonly TimeSpan KeepPastExpiry = Configuration.JwtOptions.MaxClockSkew;

    /// <summary>
    /// Revokes one token by its <see cref="RevocationKeys">revocation key</see>. Always written, even
    /// when the token is blocked already: a revocation is the administrator's record, which nothing
    /// the owner does to the block list removes. True when it was not revoked before.
    /// </summary>
    public async Task<bool> RevokeAsync(string key, DateTimeOffset? expiresAt, TokenFamily? family, CancellationToken cancellationToken)
    {
        using var activity = Span(family, 1);
        var keepUntil = expiresAt is { } expiry ? Later(expiry) : (DateTimeOffset?)null;
        var revoked = await store.RevokeTokenAsync(key, keepUntil, time.GetUtcNow(), cancellationToken);
        revocations.Revoke(key, keepUntil);
        if (revoked)
        {
            metrics.TokensRevoked(TokenFamilies.Tag(family), 1);
        }

        return revoked;
    }

    /// <summary>Revokes every unexpired token AuthProxy issued to a user; returns how many.</summary>
    public async Task<int> RevokeUserAsync(string user, CancellationToken cancellationToken)
    {
        using var activity = Span(null, null);
        var revoked = await store.RevokeUserTokensAsync(user, time.GetUtcNow(), KeepPastExpiry, cancellationToken);
        foreach (var token in revoked)
        {
            revocations.Revoke(token.Key, token.ExpiresAt);
        }

        metrics.TokensRevoked(TokenFamilies.All, revoked.Count);
        activity?.SetTag(AuthProxyTelemetry.CountTag, revoked.Count);
        return revoked.Count;
    }

    /// <summary>Adds tokens to a user's block list, all or none, within <paramref name="limit"/>.</summary>
    public async Task<BlockOutcome> BlockAsync(string user, IReadOnlyList<BlockedToken> tokens, int limit, CancellationToken cancellationToken)
    {
        using var activity = Span(TokenFamily.Gsql, tokens.Count);
        tokens = [.. tokens.Select(t => t with { ExpiresAt = Later(t.ExpiresAt) })];
        var outcome = await store.BlockTokensAsync(user, tokens, limit, time.GetUtcNow(), cancellationToken);
        if (outcome.Added)
        {
            foreach (var token in tokens)
            {
                revocations.Block(token);
            }

            metrics.TokensRevoked(TokenFamilies.Tag(TokenFamily.Gsql), tokens.Count);
        }

        return outcome;
    }

    private static DateTimeOffset Later(DateTimeOffset expiry) =>
        expiry >= DateTimeOffset.MaxValue - KeepPastExpiry ? DateTimeOffset.MaxValue : expiry + KeepPastExpiry;

    private static System.Diagnostics.Activity? Span(TokenFamily? family, int? count)
    {
        var activity = AuthProxyTelemetry.Source.StartActivity(AuthProxyTelemetry.TokenRevokeSpan);
        activity?.SetTag(AuthProxyTelemetry.FamilyTag, TokenFamilies.Tag(family));
        if (count is { } n)
        {
            activity?.SetTag(AuthProxyTelemetry.CountTag, n);
        }

        return activity;
    }

    /// <summary>Empties a user's block list: those tokens work again until they expire, unless an administrator revoked them.</summary>
    public async Task<int> ClearAsync(string user, CancellationToken cancellationToken)
    {
        var removed = await store.ClearBlockListAsync(user, cancellationToken);
        revocations.Unblock(removed);
        return removed.Count;
    }
}
