using AuthProxy.Storage;
using AuthProxy.Telemetry;
using AuthProxy.Users;

namespace AuthProxy.Tokens;

/// <summary>
/// When a user is no longer declared (a users reload removed them, or they were removed while
/// AuthProxy was stopped), their credentials go with them: every token AuthProxy issued to them is
/// revoked and every secret of theirs dropped, so a user declared later under the same name starts
/// with none of them.
/// </summary>
internal sealed partial class RemovedUserCleanup(UserDirectory users, IAuthProxyStore store, TokenRevoker revoker, TimeProvider time,
    ILogger<RemovedUserCleanup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        users.Removed += OnRemoved;
        var declared = users.Names.ToHashSet(StringComparer.Ordinal);
        var holders = await store.ListUsersWithCredentialsAsync(time.GetUtcNow(), cancellationToken);
        foreach (var user in holders.Where(u => !declared.Contains(u)))
        {
            await CleanAsync(user, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        users.Removed -= OnRemoved;
        return Task.CompletedTask;
    }

    private void OnRemoved(IReadOnlyList<string> removed) => _ = CleanAllAsync(removed);

    private async Task CleanAllAsync(IReadOnlyList<string> removed)
    {
        foreach (var user in removed)
        {
            try
            {
                await CleanAsync(user, CancellationToken.None);
            }
            catch (Exception ex)
            {
                Log.Failed(logger, user, ex);
            }
        }
    }

    /// <summary>Revokes a user's tokens and drops their secrets.</summary>
    internal async Task CleanAsync(string user, CancellationToken cancellationToken)
    {
        var revoked = await revoker.RevokeUserAsync(user, cancellationToken);
        var secrets = await store.ListSecretsAsync(user, cancellationToken);
        var dropped = secrets.Count == 0 ? [] : await store.DeleteSecretsAsync(user, [.. secrets.Select(s => s.Alias)], [], cancellationToken);
        Log.Cleaned(logger, user, revoked, dropped.Count);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RemovedUserRevoked, Level = LogLevel.Warning,
            Message = "User {User} is no longer declared: {Tokens} token(s) AuthProxy issued to them revoked, {Secrets} secret(s) dropped")]
        public static partial void Cleaned(ILogger logger, string user, int tokens, int secrets);

        [LoggerMessage(EventId = LogEvents.RemovedUserCleanupFailed, Level = LogLevel.Error, Message = "The credentials of removed user {User} could not all be revoked; they are retried at the next start")]
        public static partial void Failed(ILogger logger, string user, Exception exception);
    }
}
