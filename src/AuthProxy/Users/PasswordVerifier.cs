using System.Security.Cryptography;
using System.Text;
using AuthProxy.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace AuthProxy.Users;

/// <summary>
/// Checks a user name and password against the declared users. A password hash costs tens of
/// milliseconds by design, so a successful check is remembered for a few minutes as a keyed
/// digest (never the password), tied to the user's current hash. Unknown users cost a full
/// decoy hash so both refusals take as long. The remembered digests live in a
/// <see cref="MemoryCache"/> bounded to <see cref="MaxRemembered"/> users, each entry expiring
/// <see cref="RememberFor"/> after the hash that proved it.
/// </summary>
internal sealed class PasswordVerifier : IDisposable
{
    /// <summary>How long a verified password is served from memory before it is hashed again.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);

    /// <summary>The most users remembered at once; past it the cache compacts and the rest are hashed again.</summary>
    public const int MaxRemembered = 10_000;

    private readonly UserDirectory _users;
    private readonly byte[] _digestKey = RandomNumberGenerator.GetBytes(32);
    private readonly MemoryCache _verified;

    public PasswordVerifier(UserDirectory users, TimeProvider time)
    {
        _users = users;
        _verified = BoundedCache.Create(time, MaxRemembered);
    }

    /// <summary>
    /// The cheap check: true when this exact password was verified for this user, against the
    /// user's current hash, within <see cref="RememberFor"/>. False means "hash it", not "wrong".
    /// </summary>
    public bool TryRemembered(string userName, string password, out User? user)
    {
        user = null;
        // The cache drops the entry once RememberFor has passed; the user's hash must still be the one that proved it.
        if (!_verified.TryGetValue(userName, out Verified? remembered) || remembered is null
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

    /// <summary>
    /// The full check: hashes the password (or a decoy for an unknown user) and remembers a success.
    /// Callers ask <see cref="TryRemembered"/> first.
    /// </summary>
    public bool Verify(string userName, string password, out User? user)
    {
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

        _verified.Set(userName, new Verified(hash, Digest(userName, password)), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = RememberFor, Size = 1 });
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

    public void Dispose() => _verified.Dispose();

    private sealed record Verified(PasswordHash Hash, byte[] Digest);
}
