using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using AuthProxy.Keys;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Tests.Keys;

public sealed class KeyVerifiersTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(new string('k', 64));
    private static readonly byte[] Input = Encoding.ASCII.GetBytes("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXZpbiJ9");

    /// <summary>
    /// A provider that fails is not kept: IdentityModel's HMAC providers dispose themselves when
    /// hashing throws, and a key that kept one would refuse every token of that algorithm until its
    /// keys were loaded again. Here the kept provider is disposed as such a failure would leave it.
    /// </summary>
    [Fact]
    public void AProviderThatFailed_IsMadeAgain_NotKept()
    {
        var verifiers = new KeyVerifiers(new SymmetricSecurityKey(Secret));
        var signature = HMACSHA256.HashData(Secret, Input);
        Assert.True(verifiers.Verify("HS256", Input, Input.Length, signature, signature.Length));

        KeptProvider(verifiers).Dispose();
        Assert.False(verifiers.Verify("HS256", Input, Input.Length, signature, signature.Length)); // the disposed one fails once

        Assert.True(verifiers.Verify("HS256", Input, Input.Length, signature, signature.Length));
        Assert.True(verifiers.Verify("HS256", Input, Input.Length, signature, signature.Length));
    }

    [Fact]
    public void EachAlgorithm_HasItsOwnProvider()
    {
        var verifiers = new KeyVerifiers(new SymmetricSecurityKey(Secret));
        var sha256 = HMACSHA256.HashData(Secret, Input);
        var sha384 = HMACSHA384.HashData(Secret, Input);
        Assert.True(verifiers.Verify("HS256", Input, Input.Length, sha256, sha256.Length));
        Assert.False(verifiers.Verify("HS384", Input, Input.Length, sha256, sha256.Length));
        Assert.True(verifiers.Verify("HS384", Input, Input.Length, sha384, sha384.Length));
        Assert.False(verifiers.Verify("HS256", Input, Input.Length, sha384, sha384.Length));
        Assert.False(verifiers.Verify("RS256", Input, Input.Length, sha256, sha256.Length)); // not this key's family: false, never an exception
    }

    private static SignatureProvider KeptProvider(KeyVerifiers verifiers)
    {
        var made = (Array)typeof(KeyVerifiers).GetField("_made", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(verifiers)!;
        var entry = Assert.Single(made.Cast<object>());
        return (SignatureProvider)entry.GetType().GetProperty("Provider")!.GetValue(entry)!;
    }
}
