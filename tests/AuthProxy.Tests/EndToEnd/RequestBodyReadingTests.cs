using System.Net;
using System.Text;
using System.Text.Json;
using AuthProxy.Tests.Common;
using Microsoft.Extensions.Logging;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The JSON bodies of the token services (GSQL, GridGain, GraphQL) have one reading: a member
/// named twice in one object, at any depth and in any spelling, is refused as the client's mistake
/// (400), never taken first or last, and never a 500 from the GraphQL library's own reader; a string
/// that is not valid Unicode is refused anywhere in the body, GraphQL variables included.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RequestBodyReadingTests(BackendProcess backend) : IAsyncLifetime
{
    private const string CreateToken = "mutation($i: CreateAccessTokenInput!) { createAccessToken(input: $i) { accessToken } }";

    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json, bool login = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (login)
        {
            request.WithBasic("kevin", TestUsers.KevinPassword);
        }

        using var response = await _proxy.Client.SendAsync(request);
        return (response.StatusCode, await response.JsonAsync());
    }

    private static string Variables(string input) => """{"query":"%Q","variables":{"i":%I}}""".Replace("%Q", CreateToken, StringComparison.Ordinal).Replace("%I", input, StringComparison.Ordinal);

    [Theory]
    [InlineData("name", """{"type":"PERSONAL","actorUrn":"urn:li:corpuser:kevin","duration":"ONE_HOUR","name":"a","name":"b"}""")]
    [InlineData("name", """{"type":"PERSONAL","actorUrn":"urn:li:corpuser:kevin","duration":"ONE_HOUR","name":"a","n\u0061me":"b"}""")]
    [InlineData("actorUrn", """{"type":"PERSONAL","actorUrn":"urn:li:corpuser:kevin","actorUrn":"urn:li:corpuser:tigergraph","duration":"ONE_HOUR","name":"a"}""")]
    public async Task GraphQL_VariableNamedTwice_IsABadRequest_NotA500(string member, string input)
    {
        var (status, body) = await PostAsync("/api/graphql", Variables(input));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("errors")[0];
        Assert.Equal($"The request body has the member '{member}' twice in one object.", error.GetProperty("message").GetString());
        Assert.Equal("BAD_REQUEST", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.DoesNotContain(_proxy.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task GraphQL_QueryNamedTwice_IsRefused_NotTheLastOneRun()
    {
        const string Twice = """{"query":"{ __typename }","query":"mutation { revokeAccessToken(tokenId: \"x\") }"}""";

        var (status, body) = await PostAsync("/api/graphql", Twice);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request body has the member 'query' twice in one object.", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"i":{"type":"PERSONAL","actorUrn":"urn:li:corpuser:kevin","duration":"ONE_HOUR","name":"\ud800"}}""")]
    [InlineData("""{"\udc00":1}""")]
    public async Task GraphQL_VariablesThatAreNotUnicode_AreABadRequest(string variables)
    {
        var (status, body) = await PostAsync("/api/graphql", """{"query":"%Q","variables":%V}""".Replace("%Q", CreateToken, StringComparison.Ordinal).Replace("%V", variables, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request body holds a string that is not valid Unicode (a lone surrogate or invalid UTF-8).",
            body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"username":"kevin","password":"wrong","password":"kevin-password"}""", "password")]
    [InlineData("""{"username":"tigergraph","us\u0065rname":"kevin","password":"kevin-password"}""", "username")]
    public async Task GridGainLogin_MemberNamedTwice_IsRefused_NoTokenIssued(string json, string member)
    {
        var (status, body) = await PostAsync("/management/v1/authentication/login", json, login: false);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid-request", body.GetProperty("reason").GetString());
        Assert.Equal($"the request body has the member '{member}' twice in one object", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"graph":"social","graph":"finance"}""", "graph")]
    [InlineData("""{"lifetime":1000,"options":{"a":1,"a":2}}""", "a")]
    public async Task GsqlToken_MemberNamedTwice_AtAnyDepth_IsRefused(string json, string member)
    {
        var (status, body) = await PostAsync("/gsql/v1/tokens", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid-request", body.GetProperty("reason").GetString());
        Assert.Equal($"the request body has the member '{member}' twice in one object", body.GetProperty("message").GetString());
    }
}
