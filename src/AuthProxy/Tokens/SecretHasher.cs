using System.Security.Cryptography;
using System.Text;
using AuthProxy.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace AuthProxy.Tokens;

/// <summary>
/// Hashes TigerGraph secrets for storage and lookup: HMAC-SHA256 under a random key made once and
/// kept in the store encrypted with Data Protection, so a copy of the store alone cannot be used
/// to test guesses offline, while a secret can still be found by its hash.
/// </summary>
internal sealed class SecretHasher(IAuthProxyStore store, IDataProtectionProvider dataProtection)
{
    private const string SettingName = "secret-hash-key";
    private byte[]? _key;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var protector = dataProtection.CreateProtector("AuthProxy.SecretHashKey.v1");
        var stored = await store.GetOrAddSettingAsync(SettingName, () => protector.Protect(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        _key = protector.Unprotect(stored);
    }

    public string Hash(string secret)
    {
        var key = _key ?? throw new InvalidOperationException("The secret hasher is not initialised.");
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(secret)));
    }
}
