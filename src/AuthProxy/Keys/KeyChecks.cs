using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Keys;

/// <summary>
/// Whether a key read from PEM, a JWKS or secret text may be trusted: its size or curve, and the
/// algorithms its slot's rules allow. A key that may not becomes a problem that says why, never
/// echoing key material.
/// </summary>
internal static class KeyChecks
{
    private static readonly FrozenSet<string>[] RsaCandidates = [JwsAlgorithms.Rsa, JwsAlgorithms.RsaPss];

    public static TrustedKey? HmacKey(byte[] bytes, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var minimum = JwsAlgorithms.MinimumHmacBytes("HS256");
        if (bytes.Length < minimum)
        {
            problems.Add($"{source}: the HMAC secret{Kid(kid)} is {bytes.Length} bytes; HS256 needs at least {minimum} (RFC 7518 section 3.2)");
            return null;
        }

        var fitting = JwsAlgorithms.Hmac.Where(a => bytes.Length >= JwsAlgorithms.MinimumHmacBytes(a)).ToFrozenSet(StringComparer.Ordinal);
        var algorithms = rules.Resolve([fitting], declared, out var why);
        if (algorithms.Count == 0)
        {
            problems.Add($"{source}: the HMAC secret{Kid(kid)} cannot be used: {why}");
            return null;
        }

        return new TrustedKey(kid, new SymmetricSecurityKey(bytes), algorithms, source);
    }

    public static TrustedKey? FromRsa(RSA rsa, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        if (rsa.KeySize < KeyMaterial.MinimumRsaBits)
        {
            rsa.Dispose();
            return Problem(problems, $"{source}: the RSA key{Kid(kid)} is {rsa.KeySize} bits; at least {KeyMaterial.MinimumRsaBits} are required");
        }

        var algorithms = rules.Resolve(RsaCandidates, declared, out var why);
        if (algorithms.Count == 0)
        {
            rsa.Dispose();
            return Problem(problems, $"{source}: the RSA key{Kid(kid)} cannot be used: {why}");
        }

        return new TrustedKey(kid, new RsaSecurityKey(rsa) { KeyId = kid }, algorithms, source);
    }

    public static TrustedKey? FromEc(ECDsa ec, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var algorithm = ec.KeySize switch
        {
            256 => "ES256",
            384 => "ES384",
            521 => "ES512",
            _ => null,
        };
        if (algorithm is null)
        {
            ec.Dispose();
            return Problem(problems, $"{source}: the EC key{Kid(kid)} is not on P-256, P-384 or P-521");
        }

        var algorithms = rules.Resolve([FrozenSet.Create(StringComparer.Ordinal, algorithm)], declared, out var why);
        if (algorithms.Count == 0)
        {
            ec.Dispose();
            return Problem(problems, $"{source}: the EC key{Kid(kid)} cannot be used: {why}");
        }

        return new TrustedKey(kid, new ECDsaSecurityKey(ec) { KeyId = kid }, algorithms, source);
    }

    public static TrustedKey? FromEdDsa(EdDsaSecurityKey key, string? kid, string? declared, string source, KeyRules rules, List<string> problems)
    {
        var algorithms = rules.Resolve([JwsAlgorithms.EdDsa], declared, out var why);
        return algorithms.Count == 0
            ? Problem(problems, $"{source}: the Ed25519 key{Kid(kid)} cannot be used: {why}")
            : new TrustedKey(kid, key, algorithms, source);
    }

    public static string Kid(string? kid) => kid is null ? string.Empty : $" '{kid}'";

    public static TrustedKey? Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return null;
    }
}
