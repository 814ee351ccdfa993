using AuthProxy.Parameters;
using Microsoft.AspNetCore.Http;

namespace AuthProxy.Tests.Parameters;

public sealed class BodyShapeTests
{
    private static BodyShape Shape(string[] contentTypes, string? encoding = null, long? length = 10)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentLength = length;
        if (contentTypes.Length > 0)
        {
            context.Request.Headers.ContentType = contentTypes;
        }

        if (encoding is not null)
        {
            context.Request.Headers.ContentEncoding = encoding;
        }

        return BodyShape.Of(context.Request);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", (int)BodyKinds.Form)]
    [InlineData("APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8", (int)BodyKinds.Form)]
    [InlineData(" application/x-www-form-urlencoded ", (int)BodyKinds.Form)]
    [InlineData("application/x-www-form-urlencoded,text/plain", (int)BodyKinds.Form)] // PHP and Rack cut at ','
    [InlineData("application/x-www-form-urlencoded foo", (int)BodyKinds.Form)] // PHP cuts at whitespace
    [InlineData("", (int)BodyKinds.Form)] // Rack reads a body without a media type as a form
    [InlineData("multipart/form-data; boundary=x", (int)BodyKinds.Multipart)]
    [InlineData("Multipart/Mixed; boundary=x", (int)BodyKinds.Multipart)]
    [InlineData("application/json", (int)BodyKinds.Json)]
    [InlineData("application/vnd.api+json", (int)BodyKinds.Json)]
    [InlineData("text/x-json", (int)BodyKinds.Json)]
    [InlineData("application/jsonrequest", (int)BodyKinds.Json)]
    [InlineData("text/plain", (int)BodyKinds.Other)]
    [InlineData("application/octet-stream", (int)BodyKinds.Other)]
    [InlineData("text/csv", (int)BodyKinds.Other)]
    public void Kinds_AsBackendsTellThem(string contentType, int kinds)
    {
        var shape = Shape([contentType]);

        Assert.Equal((BodyKinds)kinds, shape.Kinds);
        Assert.Null(shape.Problem);
    }

    [Fact]
    public void NoContentType_IsAForm_AndNoBody_IsNothing()
    {
        Assert.Equal(BodyKinds.Form, Shape([]).Kinds);
        Assert.Equal("no Content-Type", Shape([]).MediaType);
        Assert.Equal(BodyKinds.None, Shape(["application/x-www-form-urlencoded"], length: null).Kinds);
        Assert.Equal(BodyKinds.None, Shape(["application/x-www-form-urlencoded"], length: 0).Kinds);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-16", "charset utf-16")]
    [InlineData("application/json; charset=\"UTF-32\"", "charset UTF-32")]
    [InlineData("application/x-www-form-urlencoded; charset=ibm037", "charset ibm037")]
    [InlineData("multipart/form-data; boundary=x; charset=shift_jis", "charset shift_jis")]
    public void OtherCharsets_CannotBeChecked(string contentType, string problem) =>
        Assert.Contains(problem, Shape([contentType]).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-8")]
    [InlineData("application/json; charset=ISO-8859-1")]
    [InlineData("text/plain; charset=utf-16")] // not a parameter body: not read at all
    public void ReadableCharsets_AreChecked(string contentType) => Assert.Null(Shape([contentType]).Problem);

    [Fact]
    public void CompressedOrTwiceTypedBodies_CannotBeChecked()
    {
        Assert.Contains("compressed (Content-Encoding: gzip)", Shape(["application/x-www-form-urlencoded"], "gzip").Problem, StringComparison.Ordinal);
        Assert.Contains("compressed (Content-Encoding: br)", Shape([], "identity, br").Problem, StringComparison.Ordinal);
        Assert.Null(Shape(["application/x-www-form-urlencoded"], "identity").Problem);
        Assert.Null(Shape(["application/octet-stream"], "gzip").Problem);
        Assert.Contains("more than one Content-Type", Shape(["text/plain", "application/x-www-form-urlencoded"]).Problem, StringComparison.Ordinal);
        Assert.Equal(BodyKinds.Form | BodyKinds.Other, Shape(["text/plain", "application/x-www-form-urlencoded"]).Kinds);
    }
}
