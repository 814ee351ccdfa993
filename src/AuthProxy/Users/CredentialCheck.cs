using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;

namespace AuthProxy.Users;

/// <summary>
/// The one password check of every service (Basic, GridGain's login): a password verified a
/// moment ago is recognised from memory; otherwise the attempt reserves its throttling budgets,
/// waits for none of the bounded hashing slots (a full house is refused at once, 429), hashes, and
/// gives its reservation back when it succeeds.
/// </summary>
internal sealed class CredentialCheck : IDisposable
{
    /// <summary>Passwords longer than this are refused without hashing (no real password is this long).</summary>
    public const int MaxPasswordLength = 1024;

    private static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    private readonly PasswordVerifier _verifier;
    private readonly LoginThrottle _throttle;
    private readonly AuthProxyMetrics _metrics;
    private readonly SemaphoreSlim _hashing;

    public CredentialCheck(PasswordVerifier verifier, LoginThrottle throttle, IOptions<ThrottlingOptions> options, AuthProxyMetrics metrics)
    {
        _verifier = verifier;
        _throttle = throttle;
        _metrics = metrics;
        _hashing = new SemaphoreSlim(options.Value.MaxConcurrentHashes, options.Value.MaxConcurrentHashes);
    }

    /// <summary>The user, or the refusal: bad credentials (401) or throttled (429 with <c>Retry-After</c>).</summary>
    public async ValueTask<CredentialResult> CheckPasswordAsync(string userName, string password, IPAddress? address, CancellationToken cancellationToken)
    {
        if (userName.Length > LoginThrottle.MaxAccountLength || password.Length > MaxPasswordLength || !Storage.StoreText.CanHold(userName))
        {
            // Never hashed, never tracked by name: counted against the address alone. A name holding a NUL
            // is nobody's (no user name holds a control character), and the shared throttling budgets in
            // PostgreSQL could not even record it.
            return await _throttle.BeginAsync(null, address, cancellationToken) is not null
                ? new CredentialResult(null, Denials.BadPassword)
                : new CredentialResult(null, Denials.Throttled(_throttle.RetryAfter));
        }

        if (_throttle.IsSpent(userName, address))
        {
            // Before anything else, so a throttled caller cannot test a guess against remembered passwords.
            return new CredentialResult(null, Denials.Throttled(_throttle.RetryAfter));
        }

        if (_verifier.TryRemembered(userName, password, out var remembered))
        {
            return new CredentialResult(remembered, default);
        }

        if (await _throttle.BeginAsync(userName, address, cancellationToken) is not { } attempt)
        {
            return new CredentialResult(null, Denials.Throttled(_throttle.RetryAfter));
        }

        if (!_hashing.Wait(0, CancellationToken.None))
        {
            await _throttle.AbandonAsync(attempt, cancellationToken);
            _metrics.Throttled("hashing");
            return new CredentialResult(null, Denials.Busy(BusyRetryAfter));
        }

        bool verified;
        User? user;
        try
        {
            _metrics.PasswordHashed();
            verified = _verifier.Verify(userName, password, out user);
        }
        finally
        {
            _hashing.Release();
        }

        if (!verified)
        {
            return new CredentialResult(null, Denials.BadPassword);
        }

        await _throttle.SucceededAsync(attempt, cancellationToken);
        return new CredentialResult(user, default);
    }

    public void Dispose() => _hashing.Dispose();
}
