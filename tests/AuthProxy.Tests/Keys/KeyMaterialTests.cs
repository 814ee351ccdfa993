using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AuthProxy.Keys;

namespace AuthProxy.Tests.Keys;

public sealed class KeyMaterialTests
{
    [Theory]
    [InlineData(32, new[] { "HS256" })]
    [InlineData(48, new[] { "HS256", "HS384" })]
    [InlineData(64, new[] { "HS256", "HS384", "HS512" })]
    public void HmacSecret_AllowsEachAlgorithmWhoseHashSizeItReaches(int length, string[] algorithms)
    {
        var problems = new List<string>();
        var key = KeyMaterial.ParseHmacSecret(new string('k', length), "test", problems);

        Assert.Empty(problems);
        Assert.Equal(algorithms.Order(), key!.Algorithms.Order());
    }

    [Fact]
    public void HmacSecret_ShorterThan32Bytes_IsRefused_WithoutEchoingIt()
    {
        var problems = new List<string>();
        Assert.Null(KeyMaterial.ParseHmacSecret("short-secret-value", "Security:JWT:HMAC:Secret (inline)", problems));
        var problem = Assert.Single(problems);
        Assert.Contains("18 bytes; HS256 needs at least 32", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void HmacSecret_Base64Prefix_DecodesBytes()
    {
        var bytes = RandomNumberGenerator.GetBytes(48);
        var problems = new List<string>();
        var key = KeyMaterial.ParseHmacSecret("base64:" + Convert.ToBase64String(bytes), "test", problems);

        Assert.Empty(problems);
        Assert.Equal(bytes, ((Microsoft.IdentityModel.Tokens.SymmetricSecurityKey)key!.Key).Key);
        Assert.Equal(["HS256", "HS384"], key.Algorithms.Order());
    }

    [Fact]
    public void HmacSecret_TigerGraphExample_IsItsUtf8Text()
    {
        // TigerGraph's documented example: 56 characters of text, used as they are.
        var problems = new List<string>();
        var key = KeyMaterial.ParseHmacSecret("S2V5LU11c3QtQmUtYXQtbGVhc3QtMzItYnl0ZXMtaW4tbGVuZ3RoIQ==", "test", problems);

        Assert.Equal(56, ((Microsoft.IdentityModel.Tokens.SymmetricSecurityKey)key!.Key).Key.Length);
    }

    [Fact]
    public void RsaPem_PublicKey_RsaPublicKey_AndCertificate_AreRead()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=issuer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var pem = rsa.ExportSubjectPublicKeyInfoPem() + "\n" + rsa.ExportRSAPublicKeyPem() + "\n" + certificate.ExportCertificatePem();

        var problems = new List<string>();
        var keys = PemKeys.Parse(pem, "test", KeyRules.TigerGraphRsa, problems);

        Assert.Empty(problems);
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.Equal(JwsAlgorithms.Rsa, k.Algorithms));
    }

    [Fact]
    public void RsaPem_Under2048Bits_PrivateKeys_AndGarbage_AreRefused()
    {
        using var weak = RSA.Create(1024);
        using var strong = RSA.Create(2048);
        var problems = new List<string>();

        Assert.Empty(PemKeys.Parse(weak.ExportSubjectPublicKeyInfoPem(), "a", KeyRules.TigerGraphRsa, problems));
        Assert.Empty(PemKeys.Parse(strong.ExportPkcs8PrivateKeyPem(), "b", KeyRules.TigerGraphRsa, problems));
        Assert.Empty(PemKeys.Parse("-----BEGIN PUBLIC KEY-----\nnot base64\n----END PUBLIC KEY----", "c", KeyRules.TigerGraphRsa, problems));

        Assert.Collection(problems,
            p => Assert.Contains("1024 bits; at least 2048", p, StringComparison.Ordinal),
            p => Assert.Contains("holds a private key", p, StringComparison.Ordinal),
            p => Assert.Contains("no PEM public key found", p, StringComparison.Ordinal));
    }
}
