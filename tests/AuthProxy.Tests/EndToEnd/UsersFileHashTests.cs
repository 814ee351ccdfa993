using System.Net;
using System.Security.Cryptography;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using AuthProxy.Tests.Common;
using AuthProxy.Users;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The password hashes of the users file as the operator meets them: a malformed or out-of-bounds
/// hash stops the start naming the user and what is wrong (it never becomes a user who cannot be
/// checked, or one checked against something else); hashes at the bounds load and verify; hashes
/// below OWASP's floor, and hashes whose cost differs from most users', are named in the log.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UsersFileHashTests(BackendProcess backend)
{
    private const string Salt = "c2FsdHNhbHRzYWx0"; // 12 bytes
    private const string Hash = "aGFzaGhhc2hoYXNoaGFzaA"; // 16 bytes

    private static string Users(params (string Name, string Hash)[] users) =>
        "{ \"Users\": { " + string.Join(", ", users.Select(u => $$"""
            "{{u.Name}}": { "PasswordHash": "{{u.Hash}}", "Graphs": { "social": [ "READ_DATA" ] } }
            """)) + " } }";

    [Fact]
    public async Task MalformedHashes_StopTheStart_NamingEachUserAndWhy()
    {
        (string Name, string Hash, string Problem)[] cases =
        [
            ("leading-text", $"x$pbkdf2-sha256$i=1000${Salt}${Hash}", "the password hash is not a PHC string ($algorithm$parameters$salt$hash); make one with 'hash-password'"),
            ("argon2-trailing", $"$argon2id$v=19$m=19456,t=2,p=1${Salt}${Hash}$", "an argon2id hash must read $argon2id$v=19$m=M,t=T,p=P$salt$hash"),
            ("argon2-v16", $"$argon2id$v=16$m=19456,t=2,p=1${Salt}${Hash}", "an argon2id hash must read $argon2id$v=19$m=M,t=T,p=P$salt$hash"),
            ("argon2-extra", $"$argon2id$v=19$m=19456,t=2,p=1,k=1${Salt}${Hash}", "the argon2id parameters must be m=M,t=T,p=P with positive integers"),
            ("argon2-memory", $"$argon2id$v=19$m=1048577,t=2,p=1${Salt}${Hash}", "the argon2id parameters are out of range (m 8*p..1048576, t 1..64, p 1..16)"),
            ("argon2-lanes", $"$argon2id$v=19$m=127,t=2,p=16${Salt}${Hash}", "the argon2id parameters are out of range (m 8*p..1048576, t 1..64, p 1..16)"),
            ("argon2-salt", $"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbA${Hash}", "the argon2id salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)"),
            ("pbkdf2-cost", $"$pbkdf2-sha256$i=10000001${Salt}${Hash}", "the pbkdf2-sha256 iteration count is out of range (1..10000000)"),
            ("pbkdf2-zero", $"$pbkdf2-sha256$i=0${Salt}${Hash}", "a pbkdf2-sha256 hash must read $pbkdf2-sha256$i=ITERATIONS$salt$hash"),
            ("pbkdf2-hash", $"$pbkdf2-sha256$i=1000${Salt}$aGFzaGhhc2hoYXNoaGFz", "the pbkdf2-sha256 salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)"),
            ("pbkdf2-base64", $"$pbkdf2-sha256$i=1000$={Salt}${Hash}", "the pbkdf2-sha256 salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)"),
            ("unknown", $"$scrypt-but-with-a-name-longer-than-32-characters${Salt}${Hash}",
                "the password hash algorithm 'scrypt-but-with-a-name-longer-th...' is not supported (use argon2id or pbkdf2-sha256)"),
        ];

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() =>
            ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users([.. cases.Select(c => (c.Name, c.Hash))])));

        foreach (var (name, _, problem) in cases)
        {
            Assert.Contains($"Users:{name}:PasswordHash: {problem}", failure.Problems);
        }

        Assert.Equal(cases.Length, failure.Problems.Count(p => p.Contains(":PasswordHash:", StringComparison.Ordinal)));
    }

    /// <summary>
    /// An empty password is a wrong password at every password door, for argon2id and pbkdf2-sha256
    /// users and for unknown names alike (argon2id cannot hash an empty password, which once answered
    /// 500); the users' own passwords still work after it.
    /// </summary>
    [Fact]
    public async Task AnEmptyPassword_IsAWrongPassword_AtEveryDoor_WhateverTheHash()
    {
        var users = Users(
            ("argon", PasswordHash.HashPassword("argon-password")),
            ("argon-too", PasswordHash.HashPassword("argon-too-password")),
            ("pbkdf2", PasswordHash.HashPassword("pbkdf2-password", PasswordAlgorithm.Pbkdf2Sha256)));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users);

        HttpRequestMessage Basic(string user, string password) => Http.Get("/restpp/query/social/q").WithBasic(user, password);
        HttpRequestMessage Gsql(string user, string password) => Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic(user, password);
        HttpRequestMessage GridGain(string user, string password) =>
            Http.Json(HttpMethod.Post, "/management/v1/authentication/login", new { username = user, password });

        foreach (var door in new Func<string, string, HttpRequestMessage>[] { Basic, Gsql, GridGain })
        {
            foreach (var user in new[] { "argon", "pbkdf2", "nobody" })
            {
                using var empty = await proxy.Client.SendAsync(door(user, ""));
                Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
                Assert.Contains("the user name or password is incorrect", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            foreach (var user in new[] { "argon", "pbkdf2" })
            {
                using var right = await proxy.Client.SendAsync(door(user, user + "-password"));
                Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            }
        }
    }

    [Fact]
    public async Task TheShortestSaltAndHash_InPaddedBase64_Load_AndVerifyOnlyTheirPassword()
    {
        var salt = RandomNumberGenerator.GetBytes(8);
        var derived = Rfc2898DeriveBytes.Pbkdf2("short-salt-password", salt, 1000, HashAlgorithmName.SHA256, 16);
        var users = Users(("shortest", $"$pbkdf2-sha256$i=1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(derived)}"));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users);

        using var right = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("shortest", "short-salt-password"));
        using var wrong = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q").WithBasic("shortest", "short-salt-passwore"));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("shortest", (await right.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task HashesBelowOwaspsFloor_AndOfUnusualCost_AreNamedInTheLog()
    {
        var users = Users(
            ("owasp-argon2", $"$argon2id$v=19$m=19456,t=2,p=1${Salt}${Hash}"),
            ("owasp-argon2-too", $"$argon2id$v=19$m=19456,t=2,p=1${Salt}${Hash}"),
            ("more-memory-fewer-passes", $"$argon2id$v=19$m=19457,t=1,p=1${Salt}${Hash}"),
            ("less-memory", $"$argon2id$v=19$m=19455,t=2,p=1${Salt}${Hash}"),
            ("fewer-passes", $"$argon2id$v=19$m=19456,t=1,p=1${Salt}${Hash}"),
            ("owasp-pbkdf2", $"$pbkdf2-sha256$i=600000${Salt}${Hash}"),
            ("fewer-iterations", $"$pbkdf2-sha256$i=599999${Salt}${Hash}"));
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), users);

        var logs = proxy.Logs.GetSnapshot();
        var weak = logs.Where(r => r.Id.Id == LogEvents.WeakPasswordHash).Select(r => r.GetStructuredStateValue("User")).Order(StringComparer.Ordinal);
        var unusual = logs.Where(r => r.Id.Id == LogEvents.UnusualHashParameters)
            .Select(r => $"{r.GetStructuredStateValue("User")}: {r.GetStructuredStateValue("Parameters")} / {r.GetStructuredStateValue("Common")}").Order(StringComparer.Ordinal);

        Assert.Equal(["fewer-iterations", "fewer-passes", "less-memory"], weak);
        Assert.Equal(
        [
            "fewer-iterations: pbkdf2-sha256 i=599999 / argon2id m=19456,t=2,p=1",
            "fewer-passes: argon2id m=19456,t=1,p=1 / argon2id m=19456,t=2,p=1",
            "less-memory: argon2id m=19455,t=2,p=1 / argon2id m=19456,t=2,p=1",
            "more-memory-fewer-passes: argon2id m=19457,t=1,p=1 / argon2id m=19456,t=2,p=1",
            "owasp-pbkdf2: pbkdf2-sha256 i=600000 / argon2id m=19456,t=2,p=1",
        ], unusual);
    }
}
