using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Revoking or blocking a token holds for every spelling of it (the ECDSA (r, n - s) twin, base64url
/// spare bits), for AuthProxy's own tokens and for third-party ones; and an administrator's
/// revocation is a record of its own that nothing the token's owner does can lift.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RevocationEncodingTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Issuer = "https://idp.example";
    private readonly TestKey _idp = TestKey.Ec("idp-1");
    private ProxyHost _proxy = null!;

    private HttpClient Client => _proxy.Client;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: Settings());

    private Dictionary<string, string> Settings() => new()
    {
        ["AuthProxy:Tokens:SigningAlgorithm"] = "ES256",
        ["Security:JWT:Providers:idp:Issuer"] = Issuer,
        ["Security:JWT:Providers:idp:Keys:0"] = _idp.PublicPem(),
    };

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _idp.Dispose();
    }

    private async Task<string> OwnTokenAsync()
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", new { graph = "social" }).WithBasic("kevin", TestUsers.KevinPassword));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    /// <summary>A third-party ES256 token whose signature has a high S, so its twin is low-S (and both verify).</summary>
    private string ThirdPartyToken()
    {
        while (true)
        {
            var claims = TestTokens.Claims("kevin", "social");
            claims["iss"] = Issuer;
            claims["jti"] = Guid.NewGuid().ToString("N");
            var token = _idp.Sign(claims);
            if (TokenSpellings.IsHighS(token))
            {
                return token;
            }
        }
    }

    private static IEnumerable<string> Spellings(string token) => [token, TokenSpellings.FlipS(token), TokenSpellings.SpareBits(token), TokenSpellings.SpareBits(TokenSpellings.FlipS(token))];

    private async Task<HttpStatusCode> UseAsync(string token, HttpClient? client = null)
    {
        using var response = await (client ?? Client).SendAsync(Http.Get("/restpp/query/social/q", token));
        return response.StatusCode;
    }

    private async Task AssertEverySpellingRefusedAsync(string token, HttpClient? client = null)
    {
        foreach (var spelling in Spellings(token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(spelling, client));
        }
    }

    private async Task<HttpStatusCode> AdminRevokesAsync(string token)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt/" + token)
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> OwnerBlocksAsync(string token)
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens", new { tokens = token }).WithBasic("kevin", TestUsers.KevinPassword));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> OwnerClearsAsync()
    {
        using var response = await Client.SendAsync(Http.Json(HttpMethod.Delete, "/gsql/v1/tokens?clear=true", "").WithBasic("kevin", TestUsers.KevinPassword));
        return response.StatusCode;
    }

    [Fact]
    public async Task OwnEs256Tokens_HaveOneSpelling_TheirTwinsAreRefused()
    {
        var token = await OwnTokenAsync();

        Assert.False(TokenSpellings.IsHighS(token));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(TokenSpellings.FlipS(token)));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(TokenSpellings.SpareBits(token)));
    }

    [Fact]
    public async Task RevokingAnOwnToken_HoldsForEverySpelling()
    {
        var token = await OwnTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await AdminRevokesAsync(token));
        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task RevokingAllOfAUsersTokens_HoldsForEverySpelling()
    {
        var token = await OwnTokenAsync();
        using var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/management/v1/authentication/jwt?username=kevin")
            .WithBasic("tigergraph", TestUsers.TigerGraphPassword));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task BlockingAnOwnToken_HoldsForEverySpelling()
    {
        var token = await OwnTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await OwnerBlocksAsync(token));
        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task RevokingAThirdPartyToken_HoldsForItsLowSTwin()
    {
        var token = ThirdPartyToken();
        var twin = TokenSpellings.FlipS(token);
        Assert.Equal(HttpStatusCode.OK, await UseAsync(token));
        Assert.Equal(HttpStatusCode.OK, await UseAsync(twin));

        Assert.Equal(HttpStatusCode.OK, await AdminRevokesAsync(token));

        using var response = await Client.SendAsync(Http.Get("/restpp/query/social/q", twin));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("revoked", body.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(twin)}' has been revoked", body.GetProperty("message").GetString());
        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task BlockingAThirdPartyToken_HoldsForItsTwin_AndATwinCannotBeUsedToBlockAgain()
    {
        var token = ThirdPartyToken();
        Assert.Equal(HttpStatusCode.OK, await OwnerBlocksAsync(TokenSpellings.FlipS(token)));
        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task AnAdministratorsRevocation_OutlivesTheOwnersBlockListClear()
    {
        var token = await OwnTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await OwnerBlocksAsync(token));
        Assert.Equal(HttpStatusCode.OK, await AdminRevokesAsync(token));
        Assert.Equal(HttpStatusCode.OK, await OwnerClearsAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(token));

        // And after a restart, from the store.
        await using var restarted = await RestartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(token, restarted.Client));
    }

    [Fact]
    public async Task AnAdministratorsRevocation_OfABlockedThirdPartyToken_OutlivesTheClear()
    {
        var token = ThirdPartyToken();
        Assert.Equal(HttpStatusCode.OK, await OwnerBlocksAsync(token));
        Assert.Equal(HttpStatusCode.OK, await AdminRevokesAsync(TokenSpellings.FlipS(token)));
        Assert.Equal(HttpStatusCode.OK, await OwnerClearsAsync());

        await AssertEverySpellingRefusedAsync(token);
    }

    [Fact]
    public async Task ClearingTheBlockList_RevivesOnlyWhatTheOwnerBlocked()
    {
        var blocked = await OwnTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await OwnerBlocksAsync(blocked));
        Assert.Equal(HttpStatusCode.Unauthorized, await UseAsync(blocked));
        Assert.Equal(HttpStatusCode.OK, await OwnerClearsAsync());
        Assert.Equal(HttpStatusCode.OK, await UseAsync(blocked));
    }

    private async Task<ProxyHost> RestartAsync()
    {
        await _proxy.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var directory = ProxyHost.CreateDirectory();
        // The instance lock (authproxy.db.lock) is held until the first instance is disposed, and holds no data.
        foreach (var file in Directory.GetFiles(_proxy.Directory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(_proxy.Directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), await File.ReadAllTextAsync(_proxy.UsersPath), Settings(), directory: directory);
    }
}
