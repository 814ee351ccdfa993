using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tests.Common;
using WireMock.Server;
using static AuthProxy.Tests.Common.IdentityProviderServer;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>Messages that name the cause to chase, not a symptom of it.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperatorMessageTests(BackendProcess backend)
{
    private const string OtherSecret = "another-secret-that-is-long-enough-0123456789";

    [Fact]
    public async Task WithNoIssuerConfigured_ATokenFromAnUndeclaredIssuer_IsRefusedForItsIssuer_NotItsSignature()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
            ["Security:JWT:Providers:corp:Secrets:0"] = OtherSecret + "-corp",
        });
        var stranger = TestTokens.Claims("kevin", "social");
        stranger["iss"] = "https://stranger.example";
        var unsignedByUs = TestTokens.Hs256(stranger, secret: OtherSecret);
        var anonymousForgery = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: OtherSecret);

        using var refused = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", unsignedByUs));
        using var forged = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", anonymousForgery));
        using var accepted = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(stranger)));

        var body = await refused.JsonAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("issuer", body.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(unsignedByUs)}' has issuer https://stranger.example, which is not a trusted issuer "
            + "(no provider declares it, and the keys of Security:JWT do not verify it)", body.GetProperty("message").GetString());
        // No issuer named: the signature is the cause. Signed with the TigerGraph-named secret: accepted, as documented.
        Assert.Equal("verification", (await forged.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task WithAnIssuerConfigured_AnotherIssuersUnverifiedToken_IsRefusedForItsIssuer_AndTheConfiguredOnesForItsSignature()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Issuer"] = "https://tigergraph.example",
        });
        var stranger = TestTokens.Claims("kevin", "social");
        stranger["iss"] = "https://stranger.example";
        var ours = TestTokens.Claims("kevin", "social");
        ours["iss"] = "https://tigergraph.example";

        using var strangers = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(stranger, secret: OtherSecret)));
        using var forged = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(ours, secret: OtherSecret)));

        var strangersBody = await strangers.JsonAsync();
        Assert.Equal("issuer", strangersBody.GetProperty("reason").GetString());
        Assert.Contains("has issuer https://stranger.example, which is not a trusted issuer", strangersBody.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tigergraph.example", strangersBody.GetProperty("message").GetString(), StringComparison.Ordinal); // unverified: the configured issuer stays unsaid
        Assert.Equal("verification", (await forged.JsonAsync()).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task WithoutTheTigerGraphKeys_ATokenWithoutAnIssuer_OrWithAnUndeclaredOne_IsRefusedForItsIssuer_SayingWhich()
    {
        // Only a named provider: no provider takes tokens whose issuer nobody declares, or tokens without one.
        const string CorpSecret = OtherSecret + "-corp";
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:HMAC:Secret"] = "",
            ["Security:JWT:Providers:corp:Issuer"] = "https://corp.example",
            ["Security:JWT:Providers:corp:Secrets:0"] = CorpSecret,
        });
        var stranger = TestTokens.Claims("kevin", "social");
        stranger["iss"] = "https://stranger.example";
        var corp = TestTokens.Claims("kevin", "social");
        corp["iss"] = "https://corp.example";
        var withoutIssuer = TestTokens.Hs256(TestTokens.Claims("kevin", "social"), secret: CorpSecret);
        var undeclared = TestTokens.Hs256(stranger, secret: CorpSecret);

        using var noIssuer = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", withoutIssuer));
        using var strangers = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", undeclared));
        using var accepted = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", TestTokens.Hs256(corp, secret: CorpSecret)));

        var noIssuerBody = await noIssuer.JsonAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, noIssuer.StatusCode);
        Assert.Equal("issuer", noIssuerBody.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(withoutIssuer)}' has no issuer (iss) and no trusted provider accepts tokens without one",
            noIssuerBody.GetProperty("message").GetString());
        var strangersBody = await strangers.JsonAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, strangers.StatusCode);
        Assert.Equal("issuer", strangersBody.GetProperty("reason").GetString());
        Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(undeclared)}' has issuer https://stranger.example, which is not a trusted issuer",
            strangersBody.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task ATokenWithoutAudience_IsToldItHasNone()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: new Dictionary<string, string>
        {
            ["Security:JWT:Audience"] = "c",
        });
        var none = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var emptyList = TestTokens.Claims("kevin", "social");
        emptyList["aud"] = new System.Text.Json.Nodes.JsonArray();
        var empty = TestTokens.Hs256(emptyList);

        foreach (var token in new[] { none, empty })
        {
            using var response = await proxy.Client.SendAsync(Http.Get("/restpp/query/social/q", token));
            var body = await response.JsonAsync();
            Assert.Equal("audience", body.GetProperty("reason").GetString());
            Assert.Equal($"Access Denied because the input token = '{TestTokens.Mask(token)}' has no audience (aud); it must include the configured one c",
                body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task ATypoInsideAPolicy_IsReportedOnce_NotAlsoAsAnUndefinedPolicy()
    {
        var routes = TestRoutes.Standard(backend.BaseAddress)
            .Replace("\"Graph\": \"route:graph\", \"Privileges\": [ \"READ_DATA\" ], \"ErrorStyle\": \"Restpp\"", "\"Graph\": \"route:graph\", \"Privilges\": [ \"READ_DATA\" ], \"ErrorStyle\": \"Restpp\"", StringComparison.Ordinal);

        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(routes));

        var problem = Assert.Single(failure.Problems);
        Assert.Contains("AuthPolicies:graph-read: unknown setting 'Privilges' (expected ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_NamesEachConfiguredKeySource_AndAuthProxysOwnApart()
    {
        var directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "jwt.pem"), TestTokens.RsaPublicPem);
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), directory: directory,
            settings: new Dictionary<string, string> { ["Security:JWT:RSA:PublicKey"] = "@jwt.pem" });

        using var ready = await proxy.Client.GetAsync("/readyz");

        var keys = (await ready.JsonAsync()).GetProperty("checks").GetProperty("keys").GetProperty("description").GetString();
        Assert.Equal($"2 key source(s) loaded: Security:JWT:RSA:PublicKey (file {Path.Combine(directory, "jwt.pem")}); Security:JWT:HMAC:Secret (inline); "
            + "and AuthProxy's own signing keys", keys);
    }

    [Fact]
    public async Task RequireInitialLoad_StopsTheStart_WhenTheOnlyKeyUrlFailsTls_NamingTheCause()
    {
        using var ca = new TestCertificateAuthority("A CA nobody here trusts");
        using WireMockServer idp = Start(ca.IssueServer("localhost"));
        using var key = TestKey.Rsa("k1");
        idp.Serve("/keys", Ok(TestKey.Jwks(key)));
        var settings = new Dictionary<string, string>
        {
            ["Security:JWT:Providers:idp:Issuer"] = "https://idp.example",
            ["Security:JWT:Providers:idp:Keys:0"] = idp.Url("/keys").ToString(),
            ["AuthProxy:KeyFetch:InitialLoadTimeout"] = "5s",
        };

        // By default: the start goes on, not ready.
        await using (var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings))
        {
            using var ready = await proxy.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        settings["AuthProxy:KeyFetch:RequireInitialLoad"] = "true";
        var failure = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress), settings: settings));

        var problem = Assert.Single(failure.Problems);
        Assert.StartsWith($"Security:JWT:Providers:idp:Keys:0 ({idp.Url("/keys")}): keys not loaded: TLS handshake refused: ", problem, StringComparison.Ordinal);
        Assert.EndsWith("(AuthProxy:KeyFetch:RequireInitialLoad is true)", problem, StringComparison.Ordinal);
    }
}
