using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// The Bearer scheme is ASP.NET Core's JwtBearer handler, with AuthProxy's validation as its token
/// handler; the standard <c>Authentication:Schemes:Bearer</c> section, as <c>dotnet user-jwts</c>
/// writes it, is trusted as one more provider and can never loosen validation.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class JwtBearerSchemeTests(BackendProcess backend)
{
    [Fact]
    public async Task TheBearerScheme_IsJwtBearer_WithAuthProxysTokenHandlerAndEvents()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                // Settings JwtBearer would honour and AuthProxy must not: they are problems (see below), so only harmless ones here.
                ["Authentication:Schemes:Bearer:ValidIssuer"] = "dotnet-user-jwts",
                ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = "dotnet-user-jwts",
                ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(new byte[32]),
                ["Authentication:Schemes:Bearer:ValidateIssuer"] = "true",
            });

        var scheme = await proxy.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(AuthSchemes.Bearer);
        var options = proxy.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(AuthSchemes.Bearer);

        Assert.Equal(typeof(JwtBearerHandler), scheme!.HandlerType);
        Assert.IsType<AuthProxyTokenHandler>(Assert.Single(options.TokenHandlers));
        Assert.IsType<BearerEvents>(options.Events);
        Assert.Null(options.ConfigurationManager); // JwtBearer fetches nothing of its own
        Assert.False(options.MapInboundClaims);

        // And the decisions are AuthProxy's, byte for byte: an expired token gets TigerGraph's body.
        var expired = TestTokens.Hs256(new JsonObject { ["sub"] = "kevin", ["exp"] = TestTokens.Now - 7200, ["iat"] = TestTokens.Now - 9000 });
        using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", expired));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"code\":\"REST-10016\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetUserJwtsTokens_AreAccepted_AndOnlyThose()
    {
        var project = Directory.CreateTempSubdirectory("authproxy-user-jwts-").FullName;
        var secretsId = "authproxy-tests-" + Guid.NewGuid().ToString("N");
        var secretsFolder = Path.GetDirectoryName(PathHelper.GetSecretsPathFromSecretsId(secretsId))!;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "tool.csproj"),
                $"<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework><UserSecretsId>{secretsId}</UserSecretsId></PropertyGroup></Project>");
            await File.WriteAllTextAsync(Path.Combine(project, "appsettings.Development.json"), "{}");

            // Another issuer first: the tool makes the last issuer the valid one, and keeps every issuer's key in the secrets.
            var stranger = await UserJwtAsync(project, "--name", "kevin", "--audience", "https://authproxy.test", "--issuer", "someone-else");
            var token = await UserJwtAsync(project, "--name", "kevin", "--audience", "https://authproxy.test");
            var scoped = await UserJwtAsync(project, "--name", "kevin", "--audience", "https://authproxy.test", "--claim", "graph=finance");

            // What `dotnet user-jwts` wrote, exactly as a Development start reads it: appsettings.Development.json and user secrets.
            var written = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(project, "appsettings.Development.json"))
                .AddJsonFile(PathHelper.GetSecretsPathFromSecretsId(secretsId))
                .Build();
            var settings = written.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
            Assert.Contains(settings.Keys, k => k.StartsWith("Authentication:Schemes:Bearer:SigningKeys:", StringComparison.Ordinal));
            await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings);

            using var accepted = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
            using var outOfScope = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", scoped));
            using var unknownIssuer = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", stranger));
            var forged = TestTokens.Hs256(TestTokens.Parse(System.Text.Encoding.UTF8.GetString(Base64Url(token.Split('.')[1]))), secret: "another-secret-long-enough-for-hs256-0123456789");
            using var forgery = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", forged));

            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal("kevin", (await accepted.EchoAsync()).GetProperty("headers").GetProperty("X-AuthProxy-User").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, outOfScope.StatusCode); // the graph claim scopes it, as any provider's token
            Assert.Equal(HttpStatusCode.Unauthorized, unknownIssuer.StatusCode);
            // Its key is in the secrets, but only the valid issuer's keys are trusted; the TigerGraph secret (no issuer set) does not
            // verify it, and the refusal names the cause to chase: an issuer no provider declares.
            var refusal = await unknownIssuer.JsonAsync();
            Assert.Equal("issuer", refusal.GetProperty("reason").GetString());
            Assert.Contains("has issuer someone-else, which is not a trusted issuer", refusal.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, forgery.StatusCode);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
            if (Directory.Exists(secretsFolder))
            {
                Directory.Delete(secretsFolder, recursive: true);
            }
        }
    }

    [Fact]
    public void AuthProxy_HasAUserSecretsId_SoDotnetUserJwtsWorksOnItsProject()
    {
        var attribute = typeof(AuthProxyOptions).Assembly.GetCustomAttributes(typeof(UserSecretsIdAttribute), inherit: false);

        Assert.Single(attribute);
    }

    [Fact]
    public async Task TheStandardSection_CannotLoosenValidation()
    {
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string>
            {
                ["Authentication:Schemes:Bearer:ValidIssuer"] = "dotnet-user-jwts",
                ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = "dotnet-user-jwts",
                ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(new byte[32]),
                ["Authentication:Schemes:Bearer:ValidateAudience"] = "false",
                ["Authentication:Schemes:Bearer:ValidateIssuer"] = "False",
                ["Authentication:Schemes:Bearer:ForwardDefault"] = "Basic",
                ["Authentication:Schemes:Bearer:MetadataAddress"] = "https://idp.example/.well-known/openid-configuration",
                ["Authentication:Schemes:Bearer:Authority"] = "https://idp.example",
                ["Authentication:Schemes:Bearer:ValidAudiences:0"] = "",
            }));

        var problems = string.Join("\n", failure.Problems);
        Assert.Contains("Authentication:Schemes:Bearer: unknown setting 'ValidateAudience=false (AuthProxy always validates the audience when audiences are given)'", problems, StringComparison.Ordinal);
        Assert.Contains("unknown setting 'ValidateIssuer=False (AuthProxy always validates the issuer)'", problems, StringComparison.Ordinal);
        Assert.Contains("unknown setting 'ForwardDefault'", problems, StringComparison.Ordinal);
        Assert.Contains("unknown setting 'MetadataAddress'", problems, StringComparison.Ordinal);
        Assert.Contains("Authority=https://idp.example (it must be one of the valid issuers", problems, StringComparison.Ordinal);
        Assert.Contains("ValidAudience(s) with an empty entry", problems, StringComparison.Ordinal);
    }

    private static byte[] Base64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));

    private static async Task<string> UserJwtAsync(string project, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
        foreach (var argument in (string[])["user-jwts", "create", "--project", Path.Combine(project, "tool.csproj"), "--output", "token", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet user-jwts: {output} {error}");
        return output.Trim();
    }
}
