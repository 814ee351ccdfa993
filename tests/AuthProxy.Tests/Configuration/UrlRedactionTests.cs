using AuthProxy.Configuration;

namespace AuthProxy.Tests.Configuration;

/// <summary>How a URL is shown anywhere AuthProxy writes one: no user info, query or fragment, and a marker where they were.</summary>
public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://idp.example/keys", "https://idp.example/keys")]
    [InlineData("https://idp.example", "https://idp.example")]
    [InlineData("https://idp.example/", "https://idp.example/")]
    [InlineData("https://idp.example:8443/a/b.json", "https://idp.example:8443/a/b.json")]
    [InlineData("https://bucket.s3.example/jwks.json?X-Amz-Signature=SECRET&X-Amz-Credential=CRED", "https://bucket.s3.example/jwks.json?…")]
    [InlineData("https://user:SECRET@idp.example/keys", "https://…@idp.example/keys")]
    [InlineData("https://SECRET@idp.example:444/keys?sig=SECRET#SECRET", "https://…@idp.example:444/keys?…#…")]
    [InlineData("https://idp.example/keys#SECRET", "https://idp.example/keys#…")]
    [InlineData("https://idp.example/keys?", "https://idp.example/keys?")]
    [InlineData("https://IDP.example:443/keys", "https://IDP.example:443/keys")]
    [InlineData("http://unix:/tmp/authproxy.sock", "http://unix:/tmp/authproxy.sock")]
    [InlineData("http://[::1]:8080/keys?token=SECRET", "http://[::1]:8080/keys?…")]
    [InlineData("  https://idp.example/keys?a=SECRET  ", "https://idp.example/keys?…")]
    // Text that does not parse is cut by hand, erring towards removing too much.
    [InlineData("https://user:SE/CRET@idp.example/keys?sig=SECRET", "https://…@idp.example/keys?…")]
    [InlineData("https://user:SECRET@idp example/keys", "https://…@idp example/keys")]
    [InlineData("https://idp example/keys?sig=SECRET#SECRET", "https://idp example/keys?…#…")]
    [InlineData("user:SECRET@idp.example/keys?sig=SECRET", "…@idp.example/keys?…")]
    [InlineData("not a url", "not a url")]
    public void Redact_KeepsSchemeHostPortAndPath_Only(string url, string expected)
    {
        Assert.Equal(expected, UrlRedaction.Redact(url));
        Assert.DoesNotContain("SECRET", UrlRedaction.Redact(url), StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_TakesAMarker_ForTheConfigVerbs()
    {
        Assert.Equal("https://(hidden)@idp.example/keys?(hidden)", UrlRedaction.Redact("https://u:p@idp.example/keys?sig=1", "(hidden)"));
    }

    [Theory]
    [InlineData("connection failed: proxy 'http://proxyuser:SECRET@proxy.local:3128/' refused", "connection failed: proxy 'http://…@proxy.local:3128/' refused")]
    [InlineData("redirect refused (https://other.example/k?sig=SECRET).", "redirect refused (https://other.example/k?…).")]
    [InlineData("Keys:0 (https://idp.example/k?sig=SECRET): HTTP 503", "Keys:0 (https://idp.example/k?…): HTTP 503")]
    [InlineData("https://a.example/k?x=SECRET,https://u:SECRET@b.example/k", "https://a.example/k?…,https://…@b.example/k")]
    [InlineData("no url here", "no url here")]
    public void RedactAll_RedactsEveryUrlInText(string text, string expected)
    {
        Assert.Equal(expected, UrlRedaction.RedactAll(text));
    }

    [Theory]
    [InlineData("https://user:SECRET@idp.example/keys?sig=SECRET#SECRET")]
    [InlineData("Keys:0 (https://SECRET@idp.example:1/k?a=SECRET): failed")]
    public void RedactAll_IsIdempotent(string text)
    {
        var once = UrlRedaction.RedactAll(text);
        Assert.Equal(once, UrlRedaction.RedactAll(once));
        Assert.DoesNotContain("SECRET", once, StringComparison.Ordinal);
    }
}
