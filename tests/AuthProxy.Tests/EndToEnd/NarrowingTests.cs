using System.Net;
using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// Narrowing a credential never widens what it may do: on a route that names no graph, privileges
/// are the global ones, whatever graph the token carries.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NarrowingTests(BackendProcess backend) : IAsyncLifetime
{
    private const string Issuer = "https://idp.example";

    /// <summary>carol holds MANAGE_ACCESS_TOKENS only on graph social; dave holds it globally.</summary>
    private static readonly string Users = $$"""
        {
          "Users": {
            "carol": { "PasswordHash": "{{TestUsers.Pbkdf2("carol-password")}}", "Graphs": { "social": [ "READ_DATA", "MANAGE_ACCESS_TOKENS" ] } },
            "dave":  { "PasswordHash": "{{TestUsers.Pbkdf2("dave-password")}}", "Graphs": { "social": [ "READ_DATA" ] }, "Privileges": [ "MANAGE_ACCESS_TOKENS" ] }
          }
        }
        """;

    private readonly TestKey _idp = TestKey.Rsa("idp-1");
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), Users, new Dictionary<string, string>
    {
        ["Security:JWT:Providers:idp:Issuer"] = Issuer,
        ["Security:JWT:Providers:idp:Keys:0"] = _idp.PublicPem(),
    });

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _idp.Dispose();
    }

    private async Task<string> TokenAsync(string user, string password, string? graph)
    {
        using var response = await _proxy.Client.SendAsync(Http.Json(HttpMethod.Post, "/gsql/v1/tokens", graph is null ? new { } : new { graph }).WithBasic(user, password));
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private string ThirdParty(string user, string? graph)
    {
        var claims = TestTokens.Claims(user, graph);
        claims["iss"] = Issuer;
        return _idp.Sign(claims);
    }

    /// <summary>The management route requires MANAGE_ACCESS_TOKENS and names no graph.</summary>
    private async Task<HttpStatusCode> ManageAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _proxy.Client.SendAsync(request);
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task AGraphScopedCredential_CannotDoMoreThanTheUnscopedOne()
    {
        var password = await ManageAsync(Http.Get("/management/v1/cluster").WithBasic("carol", "carol-password"));
        var unscoped = await ManageAsync(Http.Get("/management/v1/cluster", await TokenAsync("carol", "carol-password", null)));
        var scoped = await ManageAsync(Http.Get("/management/v1/cluster", await TokenAsync("carol", "carol-password", "social")));
        var thirdParty = await ManageAsync(Http.Get("/management/v1/cluster", ThirdParty("carol", "social")));

        Assert.Equal(HttpStatusCode.Forbidden, password);
        Assert.Equal(HttpStatusCode.Forbidden, unscoped);
        Assert.Equal(HttpStatusCode.Forbidden, scoped);
        Assert.Equal(HttpStatusCode.Forbidden, thirdParty);
    }

    [Fact]
    public async Task GlobalGrants_StillServe_AndAScopedTokenCarriesNoGlobalPrivilege()
    {
        Assert.Equal(HttpStatusCode.OK, await ManageAsync(Http.Get("/management/v1/cluster").WithBasic("dave", "dave-password")));
        Assert.Equal(HttpStatusCode.OK, await ManageAsync(Http.Get("/management/v1/cluster", await TokenAsync("dave", "dave-password", null))));
        Assert.Equal(HttpStatusCode.Forbidden, await ManageAsync(Http.Get("/management/v1/cluster", await TokenAsync("dave", "dave-password", "social"))));
    }

    [Fact]
    public async Task OnAGraphRoute_TheScopedTokenStillHasItsGraphsGrants()
    {
        Assert.Equal(HttpStatusCode.OK, await ManageAsync(Http.Get("/restpp/query/social/q", await TokenAsync("carol", "carol-password", "social"))));
        Assert.Equal(HttpStatusCode.OK, await ManageAsync(Http.Get("/restpp/query/social/q", ThirdParty("carol", "social"))));
    }
}
