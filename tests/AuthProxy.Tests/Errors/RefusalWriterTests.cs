using AuthProxy.Errors;
using Microsoft.AspNetCore.Http;

namespace AuthProxy.Tests.Errors;

/// <summary>The exact bytes and headers of every refusal kind, in both styles.</summary>
public sealed class RefusalWriterTests
{
    private const string Version = """{"version":{"edition":"enterprise","api":"v2","schema":0},"error":true,""";

    public static TheoryData<string, int, string, string> Kinds() => new()
    {
        { "Missing", 401, "REST-10016", "missing" },
        { "Format", 401, "REST-10016", "format" },
        { "Verification", 401, "REST-10016", "verification" },
        { "Expired", 401, "REST-10016", "expired" },
        { "NotYetValid", 401, "REST-10016", "not-yet-valid" },
        { "Issuer", 401, "REST-10016", "issuer" },
        { "Audience", 401, "REST-10016", "audience" },
        { "UnknownUser", 401, "REST-10016", "unknown-user" },
        { "GraphScope", 403, "REST-10016", "graph-scope" },
        { "Privilege", 403, "REST-10016", "privilege" },
        { "Revoked", 401, "REST-10016", "revoked" },
        { "KeyUnavailable", 401, "REST-10016", "key-unavailable" },
        { "Other", 401, "REST-10016", "other" },
        { "NoRoute", 404, "REST-1000", "no-route" },
        { "MethodNotAllowed", 405, "AUTHPROXY-405", "method-not-allowed" },
        { "BadPath", 400, "AUTHPROXY-400", "bad-path" },
        { "UpstreamUnavailable", 502, "AUTHPROXY-502", "upstream-unavailable" },
        { "NoDestination", 503, "AUTHPROXY-503", "no-destination" },
        { "UpstreamTimeout", 504, "AUTHPROXY-504", "upstream-timeout" },
        { "TooManyRequests", 429, "AUTHPROXY-429", "throttled" },
        { "Internal", 500, "AUTHPROXY-500", "internal" },
    };

    private static async Task<(HttpResponse Response, string Body)> WriteAsync(string kind, ErrorStyle style, string message, string[]? challenges = null)
    {
        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new ErrorStyleMetadata(style)), "an endpoint of this style"));
        await RefusalWriter.WriteAsync(context, new Refusal(Enum.Parse<RefusalKind>(kind), message), challenges);
        return (context.Response, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Restpp_Body(string kind, int status, string code, string reason)
    {
        var (response, body) = await WriteAsync(kind, ErrorStyle.Restpp, "it's <refused> \"here\"");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal(Version + $$"""
            "message":"it's <refused> \"here\"","code":"{{code}}","reason":"{{reason}}"}
            """, body);
        Assert.Equal("no-store", response.Headers.CacheControl.ToString());
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Problem_Body(string kind, int status, string code, string reason)
    {
        var (response, body) = await WriteAsync(kind, ErrorStyle.Problem, "detail text");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.ContentType);
        var title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        Assert.Equal($$"""{"title":"{{title}}","status":{{status}},"detail":"detail text","code":"{{code}}","reason":"{{reason}}"}""", body);
    }

    [Fact]
    public async Task Challenges_AreWrittenAsSeparateHeaderValues()
    {
        var (response, _) = await WriteAsync("Expired", ErrorStyle.Restpp, "m", [RefusalWriter.BearerChallenge, RefusalWriter.BasicChallenge]);

        Assert.Equal<string>(["Bearer error=\"invalid_token\"", "Basic realm=\"AuthProxy\", charset=\"UTF-8\""], response.Headers.WWWAuthenticate.ToArray()!);
    }

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXZpbiJ9.abcd4WgE", "eyJh****4WgE")]
    [InlineData("0123456789abcdef", "0123****cdef")]
    [InlineData("0123456789abcde", "****")]
    [InlineData("", "")]
    public void Mask_ShowsFirstAndLastFour(string token, string masked) => Assert.Equal(masked, TokenMask.Mask(token));
}
