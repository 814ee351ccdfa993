using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AuthProxy.Users;

/// <summary>
/// Checks a user name and password against the declared users. A password hash costs tens of
/// milliseconds by design, so a successful check is remembered for a few minutes as a keyed
/// digest (never the password), tied to the user's current hash. Unknown users cost a full
/// decoy hash so both refusals take as long.
/// </summary>
internal sealed class PasswordVerifier
{
    /// <summary>How long a verified password is served from memory before it is hashed again.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);

    private readonly UserDirectory _users;
    private readonly TimeProvider _time;
    private readonly byte[] _digestKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    public PasswordVerifier(UserDirectory users, TimeProvider time)
    {
        _users = users;
        _time = time;
    }

    /// <summary>
    /// The cheap check: true when this exact password was verified for this user, against the
    /// user's current hash, within <see cref="RememberFor"/>. False means "hash it", not "wrong".
    /// </summary>
    public bool TryRemembered(string userName, string password, out User? user)
    {
        user = null;
        if (!_verified.TryGetValue(userName, out var remembered) || remembered.Until <= _time.GetUtcNow()
            || !_users.TryFind(userName, out var found) || !ReferenceEquals(remembered.Hash, found.PasswordHash))
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(remembered.Digest, Digest(userName, password)))
        {
            return false;
        }

        user = found;
        return true;
    }

    /// <summary>The full check: hashes the password (or a decoy for an unknown user) and remembers a success.</summary>
    public bool Verify(string userName, string password, out User? user)
    {
        if (TryRemembered(userName, password, out user))
        {
            return true;
        }

        if (!_users.TryFind(userName, out var found) || found.PasswordHash is not { } hash)
        {
            _users.Decoy?.Verify(password);
            user = null;
            return false;
        }

        if (!hash.Verify(password))
        {
            user = null;
            return false;
        }

        _verified[userName] = new Verified(hash, Digest(userName, password), _time.GetUtcNow() + RememberFor);
        user = found;
        return true;
    }

    private byte[] Digest(string userName, string password)
    {
        var input = Encoding.UTF8.GetBytes(string.Concat(userName, "\0", password));
        try
        {
            return HMACSHA256.HashData(_digestKey, input);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private sealed record Verified(PasswordHash Hash, byte[] Digest, DateTimeOffset Until);
}
