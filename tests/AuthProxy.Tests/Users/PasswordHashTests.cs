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

    [Fact]
    public void Decoy_NeverVerifiesTheRealPassword()
    {
        Assert.True(PasswordHash.TryParse(Pbkdf2Vector, out var hash, out _));
        Assert.False(hash!.CreateDecoy().Verify("correct horse"));
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
    public void Refuses_Malformed(string phc, string expected)
    {
        Assert.False(PasswordHash.TryParse(phc, out var hash, out var error));
        Assert.Null(hash);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
