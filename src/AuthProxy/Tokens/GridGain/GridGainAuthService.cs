using System.Net;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Storage;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.GridGain;

/// <summary>GridGain 9's authentication: a password login for a token, and revocation of one token or of all of a user's.</summary>
internal sealed class GridGainAuthService(
    CredentialCheck credentials,
    TokenIssuer issuer,
    TokenRevoker revoker,
    TokenValidator validator,
    IAuthProxyStore store,
    IOptions<JwtOptions> jwt)
{
    public TimeSpan Ttl => TimeSpan.FromMilliseconds(jwt.Value.Ttl);

    public async Task<ServiceOutcome<IssuedTokenResult>> LoginAsync(string username, string password, IPAddress? address, CancellationToken cancellationToken)
    {
        var checkedCredential = await credentials.CheckPasswordAsync(username, password, address, cancellationToken);
        if (!checkedCredential.Succeeded)
        {
            return checkedCredential.Refusal;
        }

        var user = checkedCredential.User!;
        var issued = await issuer.IssueAsync(new TokenRequest(user.Name, TokenFamily.GridGain, null, Ttl), cancellationToken);
        return issued is null
            ? new Refusal(RefusalKind.LimitExceeded,
                $"user {user.Name} already holds {issuer.LimitFor(TokenFamily.GridGain)} live tokens ({LimitsOptions.SectionName}:TokensPerUser); log in again once some have expired or were revoked")
            : issued;
    }

    /// <summary>Revokes every unexpired token AuthProxy issued to <paramref name="username"/>.</summary>
    public async Task<ServiceOutcome<int>> RevokeUserAsync(CallerIdentity caller, string username, CancellationToken cancellationToken)
    {
        if (!MayActFor(caller, username))
        {
            return Denials.Because(RefusalKind.Privilege,
                $"user {caller.User.Name} lacks {Privileges.ManageAccessTokens}, needed to revoke the tokens of user {Denials.Show(username)}");
        }

        if (!UsersReader.CanBeUserName(username))
        {
            return new Refusal(RefusalKind.InvalidRequest,
                $"{Denials.Show(username)} is not a user name (1 to 128 characters with no spaces, ':' or control characters)");
        }

        return await revoker.RevokeUserAsync(username, cancellationToken);
    }

    /// <summary>
    /// Revokes one token, AuthProxy's or a third party's. A revocation is always written, even for a
    /// token its owner has blocked: the owner clearing the block list must not revive it.
    /// </summary>
    public async Task<ServiceOutcome<bool>> RevokeTokenAsync(CallerIdentity caller, string token, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(token, TokenUse.Revocation, cancellationToken);
        if (!validation.Succeeded)
        {
            return validation.Refusal.Kind == RefusalKind.Expired
                ? false // already unusable
                : new Refusal(RefusalKind.InvalidRequest, $"the token cannot be revoked: {validation.Refusal.Message}");
        }

        var owner = validation.Caller!;
        if (!MayActFor(caller, owner.User.Name))
        {
            return Denials.Because(RefusalKind.Privilege,
                $"user {caller.User.Name} lacks {Privileges.ManageAccessTokens}, needed to revoke a token of user {owner.User.Name}");
        }

        TokenFamily? family = null;
        if (owner.Issuer is { IsAuthProxy: true })
        {
            family = (await store.FindIssuedTokenAsync(TokenHash.Of(token).ToString(), cancellationToken))?.Family;
        }

        return await revoker.RevokeAsync(RevocationKeys.Of(token, owner), owner.ExpiresAt, family, cancellationToken);
    }

    private static bool MayActFor(CallerIdentity caller, string user) =>
        string.Equals(caller.User.Name, user, StringComparison.Ordinal)
        || caller.User.Holds(Privileges.ManageAccessTokens, null, caller.TokenGraph is not null);
}
