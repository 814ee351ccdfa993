using AuthProxy.Users;

namespace AuthProxy.Tests.Users;

public sealed class PasswordHashTests
{
    // Made with independent implementations: Python's hashlib.pbkdf2_hmac and the hash-wasm argon2id package.
    private const string Pbkdf2Vector = "$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0MTIzNA$w7/Z+TtKe2706ziYqntGWEpywycBhHRgtLIN+hknDGQ";
    private const string Argon2idVector = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$vWSoMy/UBm7ShOEEO3CVOYYYpe0ltdjB2r2WSXbPFfc";

    [Theory]
    [InlineData(Pbkdf2Vector)]
    [InlineData(Argon2idVector)]
    public void Verifies_HashesFromOtherImplementations(string phc)
    {
        Assert.True(PasswordHash.TryParse(phc, out var hash, out var error), error);

        Assert.True(hash!.Verify("correct horse"));
        Assert.False(hash.Verify("correct horse "));
        Assert.False(hash.Verify("Correct horse"));
    }

    [Theory]
    [InlineData("Argon2id", "$argon2id$v=19$m=19456,t=2,p=1$")]
    [InlineData("Pbkdf2Sha256", "$pbkdf2-sha256$i=600000$")]
    public void HashPassword_UsesOwaspStrength_AndRoundTrips(string name, string prefix)
    {
        var algorithm = Enum.Parse<PasswordAlgorithm>(name);
        var phc = PasswordHash.HashPassword("s3cret-päss", algorithm);

        Assert.StartsWith(prefix, phc, StringComparison.Ordinal);
        Assert.True(PasswordHash.TryParse(phc, out var hash, out _));
        Assert.False(hash!.IsBelowRecommendedStrength);
        Assert.True(hash.Verify("s3cret-päss"));
        Assert.False(hash.Verify("s3cret-pass"));
        Assert.NotEqual(phc, PasswordHash.HashPassword("s3cret-päss", algorithm));
    }

    [Fact]
    public void WeakParameters_AreFlagged()
    {
        Assert.True(PasswordHash.TryParse(Pbkdf2Vector, out var hash, out _));
        Assert.True(hash!.IsBelowRecommendedStrength);
    }

    /// <summary>An unknown user's login is hashed against a decoy of the same algorithm and cost, which no password opens.</summary>
    [Theory]
    [InlineData(Pbkdf2Vector)]
    [InlineData(Argon2idVector)]
    public void Decoy_CostsWhatTheRealHashCosts_AndNeverVerifiesTheRealPassword(string phc)
    {
        Assert.True(PasswordHash.TryParse(phc, out var hash, out _));
        var decoy = hash!.CreateDecoy();

        Assert.Equal(hash.Parameters, decoy.Parameters);
        Assert.False(decoy.Verify("correct horse"));
        Assert.False(decoy.Verify(""));
    }

    /// <summary>The salt and hash <c>hash-password</c> writes are unpadded base64, as PHC strings are.</summary>
    [Theory]
    [InlineData("Argon2id")]
    [InlineData("Pbkdf2Sha256")]
    public void HashPassword_WritesUnpaddedBase64(string name)
    {
        var parts = PasswordHash.HashPassword("s3cret", Enum.Parse<PasswordAlgorithm>(name)).Split('$');

        Assert.DoesNotContain('=', parts[^2]);
        Assert.DoesNotContain('=', parts[^1]);
        // 16 bytes of salt and 32 of hash need padding in base64: 22 and 43 characters without it.
        Assert.Equal(22, parts[^2].Length);
        Assert.Equal(43, parts[^1].Length);
    }

    /// <summary>
    /// A salt or hash whose base64 needs no padding (a length that is a multiple of 4) is read whole; so is
    /// one that does, padded or not.
    /// </summary>
    [Theory]
    [InlineData(12, 48, false)]
    [InlineData(16, 32, false)]
    [InlineData(16, 32, true)]
    public void SaltsAndHashes_OfAnyBase64Length_Verify(int saltBytes, int hashBytes, bool padded)
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(saltBytes);
        var derived = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("correct horse", salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, hashBytes);
        string Base64(byte[] bytes) => padded ? Convert.ToBase64String(bytes) : Convert.ToBase64String(bytes).TrimEnd('=');
        var phc = $"$pbkdf2-sha256$i=1000${Base64(salt)}${Base64(derived)}";

        Assert.True(PasswordHash.TryParse(phc, out var hash, out var error), error);
        Assert.True(hash!.Verify("correct horse"));
        Assert.False(hash.Verify("correct horsf"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("plaintext", "PHC string")]
    [InlineData("$md5$abc$def", "not supported")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "not supported")]
    [InlineData("$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "v=19")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "out of range")]
    [InlineData("$argon2id$v=19$m=19456,t=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "m=M,t=T,p=P")]
    [InlineData("$pbkdf2-sha256$i=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 hash must read")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", "salt or hash")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$***", "salt or hash")]
    [InlineData("   ", "the password hash is empty")]
    [InlineData("x$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "not a PHC string")]
    [InlineData("$pbkdf2-sha256$i=1000", "not a PHC string")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA$", "an argon2id hash must read $argon2id$v=19$m=M,t=T,p=P$salt$hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,k=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "the argon2id parameters must be m=M,t=T,p=P with positive integers")]
    [InlineData("$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "m=M,t=T,p=P with positive integers")]
    [InlineData("$argon2id$v=19$m=1048577,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "the argon2id parameters are out of range (m 8*p..1048576, t 1..64, p 1..16)")]
    [InlineData("$argon2id$v=19$m=19456,t=65,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "out of range")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=17$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "out of range")]
    [InlineData("$argon2id$v=19$m=127,t=2,p=16$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "out of range")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbA$aGFzaGhhc2hoYXNoaGFzaA", "the argon2id salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFz", "the argon2id salt or hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$$aGFzaGhhc2hoYXNoaGFzaA", "the argon2id salt or hash")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA$", "a pbkdf2-sha256 hash must read $pbkdf2-sha256$i=ITERATIONS$salt$hash")]
    [InlineData("$pbkdf2-sha256$i=1000,x=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 hash must read")]
    [InlineData("$pbkdf2-sha256$x=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 hash must read")]
    [InlineData("$pbkdf2-sha256$i=10000001$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "the pbkdf2-sha256 iteration count is out of range (1..10000000)")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFz", "the pbkdf2-sha256 salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)")]
    [InlineData("$pbkdf2-sha256$i=1000$=c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "salt or hash")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$=aGFzaGhhc2hoYXNoaGFzaA", "salt or hash")]
    [InlineData("$pbkdf2-sha256$i=1000$$aGFzaGhhc2hoYXNoaGFzaA", "salt or hash")]
    // Valid base64 followed by junk: never read in part.
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0*x$aGFzaGhhc2hoYXNoaGFzaA", "salt or hash")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhh!", "salt or hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0#x$aGFzaGhhc2hoYXNoaGFzaA", "the argon2id salt or hash")]
    // A parameter without a value after good ones.
    [InlineData("$pbkdf2-sha256$i=1000,x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 hash must read")]
    [InlineData("$pbkdf2-sha256$i=1000,$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 hash must read")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "m=M,t=T,p=P with positive integers")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$", "salt or hash")]
    [InlineData("$scrypt-but-with-a-name-longer-than-32-characters$x$y$z", "the password hash algorithm 'scrypt-but-with-a-name-longer-th...' is not supported")]
    [InlineData("$scrypt-with-a-name-of-exactly-32$x$y$z", "'scrypt-with-a-name-of-exactly-32' is not supported (use argon2id or pbkdf2-sha256)")]
    public void Refuses_Malformed(string phc, string expected)
    {
        Assert.False(PasswordHash.TryParse(phc, out var hash, out var error));
        Assert.Null(hash);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>The bounds themselves are usable: the largest cost, the fewest lanes' memory, the shortest salt and hash, padded base64.</summary>
    [Theory]
    [InlineData("$argon2id$v=19$m=1048576,t=64,p=16$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "argon2id m=1048576,t=64,p=16")]
    [InlineData("$argon2id$v=19$m=128,t=1,p=16$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "argon2id m=128,t=1,p=16")]
    [InlineData("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", "argon2id m=8,t=1,p=1")]
    [InlineData("$pbkdf2-sha256$i=10000000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "pbkdf2-sha256 i=10000000")]
    [InlineData("$pbkdf2-sha256$i=1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "pbkdf2-sha256 i=1")]
    public void Accepts_TheBounds(string phc, string parameters)
    {
        Assert.True(PasswordHash.TryParse(phc, out var hash, out var error), error);
        Assert.Equal(parameters, hash!.Parameters);
    }

    /// <summary>OWASP's floor: Argon2id 19 MiB with 2 iterations (more memory may take fewer), PBKDF2 600,000 iterations.</summary>
    [Theory]
    [InlineData("$argon2id$v=19$m=19455,t=2,p=1", true)]
    [InlineData("$argon2id$v=19$m=19455,t=3,p=1", true)]
    [InlineData("$argon2id$v=19$m=19456,t=1,p=1", true)]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1", false)]
    [InlineData("$argon2id$v=19$m=19456,t=3,p=1", false)]
    [InlineData("$argon2id$v=19$m=19457,t=1,p=1", false)]
    [InlineData("$argon2id$v=19$m=65536,t=1,p=4", false)]
    [InlineData("$pbkdf2-sha256$i=599999", true)]
    [InlineData("$pbkdf2-sha256$i=600000", false)]
    [InlineData("$pbkdf2-sha256$i=600001", false)]
    public void BelowRecommendedStrength_IsOwaspsFloor(string algorithmAndCost, bool below)
    {
        Assert.True(PasswordHash.TryParse(algorithmAndCost + "$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", out var hash, out var error), error);
        Assert.Equal(below, hash!.IsBelowRecommendedStrength);
    }

    /// <summary>A hash of the shortest salt and hash, in padded base64, verifies its password and only it.</summary>
    [Fact]
    public void TheShortestSaltAndHash_Verify()
    {
        var salt = "saltsalt"u8.ToArray();
        var derived = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("correct horse", salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 16);
        var phc = $"$pbkdf2-sha256$i=1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(derived)}";

        Assert.True(PasswordHash.TryParse(phc, out var hash, out var error), error);
        Assert.True(hash!.Verify("correct horse"));
        Assert.False(hash.Verify("correct horsf"));
    }
}
