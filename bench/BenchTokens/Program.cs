using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// Writes COUNT distinct signed JWTs, one a line, for the load benchmark (scripts/hotpath.sh).
// Each carries iss, sub, aud, graph, iat, exp and a unique jti, so no two are alike.
//
//   dotnet BenchTokens.dll ALG KEYFILE ISSUER AUDIENCE SUBJECT GRAPH LIFETIME_SECONDS COUNT OUTFILE
//
// ALG is HS256 (KEYFILE holds the secret as text), RS256 or ES256 (KEYFILE holds the private key, PEM).
if (args.Length != 9)
{
    await Console.Error.WriteLineAsync("usage: BenchTokens ALG KEYFILE ISSUER AUDIENCE SUBJECT GRAPH LIFETIME_SECONDS COUNT OUTFILE");
    return 2;
}

var (alg, keyText, issuer, audience, subject, graph) = (args[0], (await File.ReadAllTextAsync(args[1])).Trim(), args[2], args[3], args[4], args[5]);
var lifetime = long.Parse(args[6], CultureInfo.InvariantCulture);
var count = int.Parse(args[7], CultureInfo.InvariantCulture);
var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(StringComparer.Ordinal) { ["alg"] = alg, ["typ"] = "JWT" }));

Func<byte[], byte[]> Signer() => alg switch
{
    "HS256" => data => HMACSHA256.HashData(Encoding.UTF8.GetBytes(keyText), data),
    "RS256" => Rsa(keyText),
    "ES256" => Ec(keyText),
    _ => throw new ArgumentException("ALG must be HS256, RS256 or ES256, not " + alg),
};

var tokens = new string[count];
var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
Parallel.For(0, count, Signer, (i, _, sign) =>
{
    var claims = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["iss"] = issuer, ["sub"] = subject, ["aud"] = audience, ["graph"] = graph,
        ["iat"] = now, ["exp"] = now + lifetime, ["jti"] = prefix + "-" + i.ToString(CultureInfo.InvariantCulture),
    };
    var signingInput = header + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
    tokens[i] = signingInput + "." + Base64Url(sign(Encoding.ASCII.GetBytes(signingInput)));
    return sign;
}, _ => { });

await File.WriteAllLinesAsync(args[8], tokens);
return 0;

static Func<byte[], byte[]> Rsa(string pem)
{
    var rsa = RSA.Create();
    rsa.ImportFromPem(pem);
    return data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}

static Func<byte[], byte[]> Ec(string pem)
{
    var ec = ECDsa.Create();
    ec.ImportFromPem(pem);
    return data => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
