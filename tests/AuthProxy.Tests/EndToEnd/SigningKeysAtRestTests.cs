using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;
using AuthProxy.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// AuthProxy's private signing keys are stored encrypted with Data Protection: what the store
/// holds (the SQLite files, or every table of the PostgreSQL database but the Data Protection
/// keys' own) yields no private key and no private key parameter to someone without those keys.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SigningKeysAtRestTests(BackendProcess backend)
{
    [Theory]
    [InlineData("Sqlite", "RS256")]
    [InlineData("Sqlite", "ES256")]
    [InlineData("PostgreSQL", "RS256")]
    [InlineData("PostgreSQL", "ES256")]
    public async Task TheStore_YieldsNoPrivateKeyParameter_WithoutTheDataProtectionKeys(string engine, string algorithm)
    {
        var directory = ProxyHost.CreateDirectory();
        var settings = new Dictionary<string, string> { ["AuthProxy:Tokens:SigningAlgorithm"] = algorithm };
        string? postgres = null;
        if (engine == "PostgreSQL")
        {
            postgres = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
            settings["AuthProxy:Store:Provider"] = "PostgreSQL";
            settings["AuthProxy:Store:ConnectionString"] = postgres;
        }

        var privateKeys = new List<(string Kid, byte[] Pkcs8)>();
        try
        {
            await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, directory: directory, keepDirectory: true))
            {
                // A token signed with the stored key works: the key that is checked below is the one that signs.
                using var issued = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
                Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
                var token = (await issued.JsonAsync()).GetProperty("token").GetString()!;
                using var used = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
                Assert.Equal(HttpStatusCode.OK, used.StatusCode);
                var jwks = JsonDocument.Parse(await proxy.Client.GetStringAsync(".well-known/jwks.json")).RootElement.GetProperty("keys");

                var stored = postgres is null ? ReadSqliteKeys(directory) : await ReadPostgresKeysAsync(postgres);
                Assert.Single(stored);
                var protector = proxy.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(SigningKeyRing.ProtectorPurpose);
                foreach (var (kid, storedAlgorithm, blob) in stored)
                {
                    Assert.Equal(algorithm, storedAlgorithm);
                    Assert.Equal(kid, new JsonWebToken(token).Kid);
                    Assert.True(PrivateKeyScan.ImportsAsPrivateKey(blob) is null,
                        $"the stored key {kid} imports as a private key: {PrivateKeyScan.ImportsAsPrivateKey(blob)}");

                    // The proxy's own Data Protection keys open it, and it is the private half of the published key.
                    var pkcs8 = protector.Unprotect(blob);
                    Assert.Equal(PublicJwk(jwks, kid), PublicJwkOf(pkcs8, algorithm));
                    privateKeys.Add((kid, pkcs8));
                }
            }

            // At rest, the proxy stopped: everything the store holds, as a thief of the store reads it.
            var holdings = postgres is null ? ReadSqliteFiles(directory) : await ReadPostgresTablesAsync(postgres);
            foreach (var (kid, pkcs8) in privateKeys)
            {
                // The public half is stored in the clear, and the search finds it: what is searched is the store's content.
                var publicKey = PublicJwkOf(pkcs8, algorithm).Split(' ')[1]; // n or x
                Assert.Contains(holdings, h => Contains(h.Bytes, Base64UrlEncoder.DecodeBytes(publicKey)) || Contains(h.Bytes, Encoding.ASCII.GetBytes(publicKey)));

                foreach (var (part, value) in PrivateKeyScan.PrivateParts(pkcs8))
                {
                    foreach (var (spelling, needle) in PrivateKeyScan.Spellings(value))
                    {
                        foreach (var (source, bytes) in holdings)
                        {
                            Assert.False(Contains(bytes, needle), $"{source} holds the {part} of signing key {kid} ({spelling})");
                        }
                    }
                }
            }

            foreach (var (source, bytes) in holdings)
            {
                Assert.True(PrivateKeyScan.FindDerPrivateKey(bytes) is null, $"{source} holds a private key in DER: {PrivateKeyScan.FindDerPrivateKey(bytes)}");
            }
        }
        finally
        {
            foreach (var (_, pkcs8) in privateKeys)
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A store whose signing key this instance cannot decrypt (its Data Protection keys are not the
    /// ones the key was stored with) stops the start, naming the key, and no key of its own is
    /// minted: neither while the key signs nor once it has retired and only verifies.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AKeyThatCannotBeDecrypted_StopsTheStart_NamingIt_AndNoKeyIsMinted(bool retired)
    {
        var directory = ProxyHost.CreateDirectory();
        var clock = ProxyHost.FakeClock();
        var settings = new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" };
        try
        {
            string token;
            await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock, directory: directory, keepDirectory: true))
            {
                using var issued = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social", lifetime = 2 * 3600 * 1000 })
                    .WithBasic("kevin", TestUsers.KevinPassword));
                Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
                token = (await issued.JsonAsync()).GetProperty("token").GetString()!;
            }

            var kid = new JsonWebToken(token).Kid;
            if (retired)
            {
                clock.Advance(TimeSpan.FromMinutes(61)); // the key no longer signs; its token is live
            }

            var otherKeys = new Dictionary<string, string>(settings) { ["AuthProxy:Store:DataProtectionKeys"] = Path.Combine(directory, "other-keys") };
            var refusal = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() =>
                ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: otherKeys, time: clock, directory: directory, keepDirectory: true));

            var problem = Assert.Single(refusal.Problems);
            Assert.Contains($"signing key(s) {kid} cannot be decrypted with this instance's Data Protection keys. "
                + "Every instance of a store must read the same Data Protection keys (AuthProxy:Store:DataProtectionKeys, or the PostgreSQL database); "
                + "restore them rather than start with keys of its own.", problem, StringComparison.Ordinal);
            Assert.Equal([kid], ReadSqliteKeys(directory).Select(k => k.Kid));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every key the start cannot decrypt is named, not only the first: here a key and its successor.</summary>
    [Fact]
    public async Task SeveralKeysThatCannotBeDecrypted_AreAllNamed()
    {
        var directory = ProxyHost.CreateDirectory();
        var clock = ProxyHost.FakeClock();
        var settings = new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00" };
        try
        {
            await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings, time: clock, directory: directory, keepDirectory: true))
            {
                clock.Advance(TimeSpan.FromMinutes(55)); // within the key's last tenth: its successor is made
                using var issued = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" })
                    .WithBasic("kevin", TestUsers.KevinPassword));
                Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            }

            var kids = ReadSqliteKeys(directory).Select(k => k.Kid).ToArray();
            Assert.Equal(2, kids.Length);
            var otherKeys = new Dictionary<string, string>(settings) { ["AuthProxy:Store:DataProtectionKeys"] = Path.Combine(directory, "other-keys") };
            var refusal = await Assert.ThrowsAsync<AuthProxy.Configuration.ConfigurationProblemsException>(() =>
                ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: otherKeys, time: clock, directory: directory, keepDirectory: true));

            Assert.Contains($"signing key(s) {kids[0]}, {kids[1]} cannot be decrypted", Assert.Single(refusal.Problems), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A key that another instance stored under Data Protection keys this one lacks (it learns of it
    /// when it next reads the store's keys): its public half, stored in the clear, verifies that
    /// instance's tokens here, and it is published; it never signs here.
    /// </summary>
    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task AKeyThisInstanceCannotDecrypt_StillVerifiesItsTokens_AndNeverSignsHere(string algorithm)
    {
        var clock = ProxyHost.FakeClock();
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), time: clock,
            settings: new Dictionary<string, string> { ["Security:JWT:KeyTtl"] = "01:00:00", ["AuthProxy:Tokens:SigningAlgorithm"] = algorithm });
        var start = clock.GetUtcNow();

        // Another instance's key, protected under Data Protection keys this instance does not have.
        using var ec = algorithm == "ES256" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        using var rsa = algorithm == "ES256" ? null : RSA.Create(2048);
        var foreignKid = "foreign-" + algorithm;
        SecurityKey privateKey = ec is not null ? new ECDsaSecurityKey(ec) { KeyId = foreignKid } : new RsaSecurityKey(rsa!) { KeyId = foreignKid };
        string publicJwk;
        if (ec is not null)
        {
            var q = ec.ExportParameters(false).Q;
            publicJwk = JsonSerializer.Serialize(new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y), kid = foreignKid, use = "sig", alg = algorithm });
        }
        else
        {
            var p = rsa!.ExportParameters(false);
            publicJwk = JsonSerializer.Serialize(new { kty = "RSA", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent), kid = foreignKid, use = "sig", alg = algorithm });
        }

        var foreignProtector = new EphemeralDataProtectionProvider().CreateProtector(SigningKeyRing.ProtectorPurpose);
        var pkcs8 = ec is not null ? ec.ExportPkcs8PrivateKey() : rsa!.ExportPkcs8PrivateKey();
        await proxy.Services.GetRequiredService<AuthProxy.Storage.IAuthProxyStore>().AddSigningKeyAsync(new AuthProxy.Storage.StoredSigningKey(
            foreignKid, algorithm, foreignProtector.Protect(pkcs8), publicJwk, start + TimeSpan.FromSeconds(1), start + TimeSpan.FromMinutes(30), start + TimeSpan.FromHours(2)),
            CancellationToken.None);

        // Within the current key's last tenth its successor is made, and the store's keys are read again.
        clock.Advance(TimeSpan.FromMinutes(54));
        using (var issued = await proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword)))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            Assert.NotEqual(foreignKid, new JsonWebToken((await issued.JsonAsync()).GetProperty("token").GetString()!).Kid);
        }

        var jwks = JsonDocument.Parse(await proxy.Client.GetStringAsync(".well-known/jwks.json")).RootElement.GetProperty("keys");
        Assert.Equal(3, jwks.GetArrayLength());
        Assert.Equal(JsonDocument.Parse(publicJwk).RootElement.ToString(), jwks.EnumerateArray().Single(k => k.GetProperty("kid").GetString() == foreignKid).ToString());

        var now = clock.GetUtcNow();
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "AuthProxy",
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "kevin",
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = now.AddMinutes(30).ToUnixTimeSeconds(),
                ["graph"] = "social",
            },
            SigningCredentials = new SigningCredentials(privateKey, algorithm),
        });
        if (ec is not null)
        {
            // AuthProxy's own ES256 tokens carry the low-S signature only.
            var lastDot = token.LastIndexOf('.');
            token = token[..(lastDot + 1)] + Base64UrlEncoder.Encode(AuthProxy.Keys.EcdsaSignatures.ToLowS(algorithm, Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..])));
        }

        using var used = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        CryptographicOperations.ZeroMemory(pkcs8);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>The published key <paramref name="kid"/> of the JWKS, as <see cref="PublicJwkOf"/> writes it.</summary>
    private static string PublicJwk(JsonElement keys, string kid)
    {
        var key = keys.EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        return key.GetProperty("kty").GetString() == "EC"
            ? $"EC {key.GetProperty("x").GetString()} {key.GetProperty("y").GetString()}"
            : $"RSA {key.GetProperty("n").GetString()} {key.GetProperty("e").GetString()}";
    }

    /// <summary>The public half of a PKCS#8 key, as its JWK's members: "RSA n e" or "EC x y".</summary>
    private static string PublicJwkOf(byte[] pkcs8, string algorithm)
    {
        if (algorithm == "ES256")
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            var q = ec.ExportParameters(false).Q;
            return $"EC {Base64UrlEncoder.Encode(q.X)} {Base64UrlEncoder.Encode(q.Y)}";
        }

        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        var p = rsa.ExportParameters(false);
        return $"RSA {Base64UrlEncoder.Encode(p.Modulus)} {Base64UrlEncoder.Encode(p.Exponent)}";
    }

    private static List<(string Kid, string Algorithm, byte[] Blob)> ReadSqliteKeys(string directory)
    {
        var keys = new List<(string, string, byte[])>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "data", "authproxy.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("SELECT kid, algorithm, private_key FROM signing_keys", connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add((reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return keys;
    }

    private static async Task<List<(string Kid, string Algorithm, byte[] Blob)>> ReadPostgresKeysAsync(string connectionString)
    {
        var keys = new List<(string, string, byte[])>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kid, algorithm, private_key FROM signing_keys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return keys;
    }

    /// <summary>Every file of the SQLite store (the database, its journal or WAL), byte for byte.</summary>
    private static List<(string Source, byte[] Bytes)> ReadSqliteFiles(string directory)
    {
        var files = Directory.GetFiles(Path.Combine(directory, "data"), "authproxy.db*");
        Assert.Contains(files, f => Path.GetFileName(f) == "authproxy.db");
        return [.. files.Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))];
    }

    /// <summary>
    /// Every row of every table but the Data Protection keys' own, as PostgreSQL writes it out as
    /// text (byte arrays as hex), and every byte array value as it is.
    /// </summary>
    private static async Task<List<(string Source, byte[] Bytes)>> ReadPostgresTablesAsync(string connectionString)
    {
        var holdings = new List<(string, byte[])>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'dataprotection_keys'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("signing_keys", tables);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text, t.* FROM \"{table}\" t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var text = new StringBuilder();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
                for (var i = 1; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is byte[] bytes)
                    {
                        holdings.Add(($"{table}.{reader.GetName(i)}", bytes));
                    }
                }
            }

            holdings.Add((table, Encoding.UTF8.GetBytes(text.ToString())));
        }

        return holdings;
    }
}
