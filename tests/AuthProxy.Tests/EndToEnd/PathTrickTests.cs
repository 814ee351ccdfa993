using AuthProxy.Tests.Common;

namespace AuthProxy.Tests.EndToEnd;

/// <summary>
/// No spelling of a path lets a request reach a route under another route's policy: the anonymous
/// <c>/restpp/echo/{**rest}</c> route must never carry a request to <c>/restpp/query/...</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PathTrickTests(BackendProcess backend) : IAsyncLifetime
{
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync() => _proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress));

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Theory]
    [InlineData("/restpp/echo/..%2Fquery%2Fsocial%2Fq")]
    [InlineData("/restpp/echo/..%2fquery/social/q")]
    [InlineData("/restpp/echo/%2e%2e%2Fquery/social/q")]
    [InlineData("/restpp/echo/..%5Cquery/social/q")]
    [InlineData("/restpp/echo/%252e%252e/query/social/q")]
    [InlineData("/restpp/echo/..%252Fquery/social/q")]
    [InlineData("//restpp/query/social/q")]
    [InlineData("/restpp//query/social/q")]
    public async Task AmbiguousPaths_AreRefusedBeforeRouting(string target)
    {
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

        Assert.Equal(400, status);
        Assert.Contains("\"reason\":\"bad-path\"", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"AUTHPROXY-400\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/restpp/echo/../query/social/q")]
    [InlineData("/restpp/echo/%2e%2e/query/social/q")]
    [InlineData("/restpp/echo/.%2E/query/social/q")]
    [InlineData("/restpp/echo/./../query/social/q")]
    public async Task DotSegments_AreResolvedFirst_SoTheTargetRoutesPolicyApplies(string target)
    {
        // Kestrel removes the dot segments; the request is then /restpp/query/social/q, which needs a token.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, target);

        Assert.Equal(401, status);
        Assert.Contains("\"reason\":\"missing\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedNul_IsRefusedByTheServer()
    {
        var (status, _) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo/x%00/q");

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task EmptySegmentBeforeDotDot_StaysUnderTheRouteItResolvesTo()
    {
        // Kestrel resolves "echo//.." to "echo": the request is checked and forwarded as /restpp/echo/query/social/q.
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/echo//../query/social/q");

        Assert.Equal(200, status);
        Assert.Contains("\"path\":\"/restpp/echo/query/social/q\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PercentEncodedCharacters_AreForwardedAsChecked()
    {
        // "soc%69al" decodes to "social": the policy checks graph social, and the backend is sent the same path.
        var token = TestTokens.Hs256(TestTokens.Claims("kevin", "social"));
        var (status, body) = await Http.RawAsync(_proxy.BaseAddress, "/restpp/query/soc%69al/q", $"Authorization: Bearer {token}\r\n");

        Assert.Equal(200, status);
        Assert.Contains("\"path\":\"/restpp/query/social/q\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedSlashes_CanBeAllowed_ForBackendsThatTreatThemAsData()
    {
        await using var proxy = await ProxyHost.StartAsync(TestRoutes.Standard(backend.BaseAddress),
            settings: new Dictionary<string, string> { ["AuthProxy:AllowEncodedSlashes"] = "true" });
        var token = TestTokens.Hs256(TestTokens.Claims("tigergraph"));

        var (status, body) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/a%2Fb", $"Authorization: Bearer {token}\r\n");
        var (twice, _) = await Http.RawAsync(proxy.BaseAddress, "/restpp/graph/social/vertices/person/a%252Fb", $"Authorization: Bearer {token}\r\n");

        Assert.Equal(200, status);
        Assert.Contains("a%2Fb", body, StringComparison.Ordinal);
        Assert.Equal(400, twice);
    }
}
