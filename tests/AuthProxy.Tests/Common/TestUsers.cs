using System.Security.Cryptography;

namespace AuthProxy.Tests.Common;

/// <summary>
/// Users for tests. Hashes are PBKDF2-SHA256 made here with the platform primitive and a low
/// iteration count, so tests stay fast; production strength is tested separately.
/// </summary>
public static class TestUsers
{
    public const string TigerGraphPassword = "tiger-password";
    public const string KevinPassword = "kevin-password";

    public static string Pbkdf2(string password, int iterations = 1000)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"$pbkdf2-sha256$i={iterations}${B64(salt)}${B64(hash)}";
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>tigergraph: everything on every graph plus MANAGE_ACCESS_TOKENS; kevin: READ_DATA on social.</summary>
    public static string Json() => $$"""
        {
          "Users": {
            "tigergraph": { "PasswordHash": "{{Pbkdf2(TigerGraphPassword)}}",
                            "Graphs": { "*": [ "READ_DATA", "WRITE_DATA" ] }, "Privileges": [ "MANAGE_ACCESS_TOKENS" ] },
            "kevin": { "PasswordHash": "{{Pbkdf2(KevinPassword)}}",
                       "Graphs": { "social": [ "READ_DATA" ] }, "Privileges": [ "GENERATE_PERSONAL_ACCESS_TOKENS" ] },
            "tokenonly": { "Graphs": { "social": [ "READ_DATA", "WRITE_DATA" ] } }
          }
        }
        """;
}
