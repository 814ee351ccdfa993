using System.Text;
using AuthProxy.Parameters;

namespace AuthProxy.Tests.Parameters;

/// <summary>The names each body reader finds, whole and however the body is split into chunks.</summary>
public sealed class BodyScanTests
{
    private static readonly string[] Names = ["_method", "graph"];

    /// <summary>The key the scan finds, checking that every way of cutting the body in two finds the same.</summary>
    private static string? Find(BodyKinds kinds, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        string? whole = null;
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var scan = new BodyScan(kinds, Names);
            if (!scan.Read(bytes.AsSpan(0, cut)) && !scan.Read(bytes.AsSpan(cut)))
            {
                scan.Complete();
            }

            var found = scan.Matcher.Found ?? scan.Matcher.Problem;
            if (cut == 0)
            {
                whole = found;
            }
            else
            {
                Assert.True(whole == found, $"cut at {cut}: {found} instead of {whole}");
            }
        }

        // And byte by byte, as the smallest reads deliver it.
        var bytewise = new BodyScan(kinds, Names);
        foreach (var b in bytes)
        {
            if (bytewise.Read([b]))
            {
                break;
            }
        }

        bytewise.Complete();
        Assert.Equal(whole, bytewise.Matcher.Found ?? bytewise.Matcher.Problem);
        return whole;
    }

    [Theory]
    [InlineData("_method=DELETE", "_method")]
    [InlineData("a=1&_method=DELETE", "_method")]
    [InlineData("a=1&_method", "_method")] // a key without a value, at the very end
    [InlineData("a=1;_METHOD=x", "_METHOD")]
    [InlineData("%5Fmethod=DELETE", "%5Fmethod")]
    [InlineData("_method%5B%5D=DELETE", "_method%5B%5D")]
    [InlineData("+_method=DELETE", "+_method")]
    [InlineData("graph=finance", "graph")]
    [InlineData("a=1&.method=x", ".method")] // PHP reads '.' as '_'
    [InlineData("a=1&_M%C3%A9thod=x", null)] // an e with an accent is another letter
    [InlineData("gr\u0430ph=1", null)] // a Cyrillic a: not a case fold of 'a'
    [InlineData("GRAP\u0048=x", "GRAPH")]
    [InlineData("x=1&Graph=finance", "Graph")]
    [InlineData("gr%2561ph=finance", "gr%2561ph")]
    [InlineData("a=_method&b=graph", null)] // values are not keys
    [InlineData("method=DELETE&graphs=x&x_method=y", null)]
    [InlineData("", null)]
    public void Form_FindsKeys(string body, string? key) => Assert.Equal(key, Find(BodyKinds.Form, body));

    [Fact]
    public void Form_JudgesAKeyTooLongToKeep_ByItsStart()
    {
        Assert.Equal("_method" + new string('x', BodyKeyReader.KeyLimit - 7) + "...",
            Find(BodyKinds.Form, "a=1&_method" + new string('x', 1000) + "=DELETE"));
        Assert.Equal(string.Concat(Enumerable.Repeat("%20", 85)) + "%...",
            Find(BodyKinds.Form, string.Concat(Enumerable.Repeat("%20", 200)) + "_method=DELETE"));
        Assert.Null(Find(BodyKinds.Form, "{\"vertices\":" + new string('x', 1000) + "}")); // a JSON body sent without a Content-Type
    }

    [Theory]
    [InlineData("""{"_method":"DELETE"}""", "_method")]
    [InlineData("""{"a":1,"graph":"finance"}""", "graph")]
    [InlineData("""  {"a":{"b":[1,{"c":"}"}]},"Graph":"finance"}""", "Graph")]
    [InlineData("""{"\u0067raph":"finance"}""", "graph")]
    [InlineData("""{"gr\u0061ph":"finance"}""", "graph")]
    [InlineData("""{"_method\u0000x":"DELETE"}""", "_method\0x")]
    [InlineData("""{"a":"\"graph\":1","b":"_method"}""", null)] // strings inside values
    [InlineData("""{"a":{"graph":"finance","_method":"DELETE"}}""", null)] // nested members are not parameters
    [InlineData("""[{"graph":"finance"}]""", null)] // elements of a top-level array are not either
    [InlineData("""{"a":1} {"graph":"finance"}""", "graph")] // a second top-level object is read too
    [InlineData("""{"a\\":1,"graph":2}""", "graph")]
    [InlineData("""{"graph""", "graph")] // cut off inside the name
    [InlineData("""{"x":"\ud83d\ude00","graphs":1}""", null)]
    public void Json_FindsTopLevelMembers(string body, string? key) => Assert.Equal(key, Find(BodyKinds.Json, body));

    [Theory]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"_method\"\r\n\r\nDELETE\r\n--b--\r\n", "_method")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\ncontent-disposition: form-data; name=_METHOD\r\n\r\nDELETE\r\n--b--\r\n", "_METHOD")]
    [InlineData("--b\r\nContent-Disposition: form-data; filename=\"x.txt\"; name='graph'\r\n\r\n--b--", "graph")]
    [InlineData("--b\r\nContent-Disposition: form-data; name*=UTF-8''%5Fmethod\r\n\r\nDELETE\r\n--b--", "%5Fmethod")]
    [InlineData("--b\r\nContent-Disposition: form-data; name*0=\"_me\"; name*1=\"thod\"\r\n\r\nDELETE\r\n--b--", "_method")]
    [InlineData("--b\r\nContent-Disposition: form-data;\r\n name=\"graph\"\r\n\r\nfinance\r\n--b--", "graph")] // a folded header
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"g\\\"raph\"\r\n\r\nx\r\n--b--", null)]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"gr\\aph\"\r\n\r\nx\r\n--b--", "graph")]
    [InlineData("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"_method\"\r\n\r\n_method=DELETE\r\nname=\"graph\"\r\n--b--", null)]
    [InlineData("--b\nContent-Disposition: form-data; name=\"graph\"\n\nx\n--b--", "graph")] // bare LF line ends
    [InlineData("--x\r\nContent-Disposition: form-data; name=\"graph\"", "graph")] // at the very end of the body
    public void Multipart_FindsPartNames_WhateverTheBoundary(string body, string? key) => Assert.Equal(key, Find(BodyKinds.Multipart, body));

    [Fact]
    public void Multipart_RefusesAHeaderTooLongToKeep()
    {
        var body = $"--b\r\nContent-Disposition: form-data; filename=\"{new string('x', MultipartNameReader.HeaderLimit)}\"; name=\"_method\"\r\n\r\nDELETE\r\n--b--";

        Assert.Equal($"a part's Content-Disposition header is longer than {MultipartNameReader.HeaderLimit} bytes", Find(BodyKinds.Multipart, body));
    }

    [Fact]
    public void SeveralKinds_AreAllRead()
    {
        Assert.Equal("graph", Find(BodyKinds.Form | BodyKinds.Json, """{"graph":1}"""));
        Assert.Equal("_method", Find(BodyKinds.Form | BodyKinds.Json, "_method=x"));
    }
}
