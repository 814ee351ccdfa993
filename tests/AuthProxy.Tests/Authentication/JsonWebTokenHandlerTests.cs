using System.Net;
using System.Text;
using AuthProxy.Tests.Common;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Tests.Authentication;

/// <summary>
/// Why JwtBearer's default token handler does not decide AuthProxy's tokens: IdentityModel's
/// <c>JsonWebTokenHandler</c> accepts tokens that SPEC §6 refuses (a member twice, where it takes
/// the last; a NumericDate as a string). Each shape below is
/// valid to it, with a correct signature, and refused by AuthProxy's Bearer scheme.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class JsonWebTokenHandlerTests(BackendProcess backend)
{
    private static readonly long Now = TestTokens.Now;

    public static TheoryData<string, string> LenientShapes() => new()
    {
        { "a member twice", $"{{\"sub\":\"nobody\",\"sub\":\"kevin\",\"exp\":{Now + 3600}}}" },
        { "exp as a string", $"{{\"sub\":\"kevin\",\"exp\":\"{Now + 3600}\"}}" },
        { "exp twice, the first already past", $"{{\"sub\":\"kevin\",\"exp\":{Now - 7200},\"exp\":{Now + 3600}}}" },
    };

    [Theory]
    [MemberData(nameof(LenientShapes), DisableDiscoveryEnumeration = true)] // the payloads carry the time they are made
    public async Task JsonWebTokenHandler_Accepts_WhatAuthProxyRefuses(string shape, string payload)
    {
        var token = Sign(payload);
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.HmacSecret)),
            ValidateIssuer = false,
            ValidateAudience = false,
        };

        var library = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));

        Assert.True(library.IsValid, $"{shape}: {library.Exception?.Message}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"reason\":\"format\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Sign(string payload)
    {
        var input = TestTokens.Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + TestTokens.Encode(payload);
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.HmacSecret), Encoding.ASCII.GetBytes(input));
        return input + "." + TestTokens.Encode(signature);
    }
}
