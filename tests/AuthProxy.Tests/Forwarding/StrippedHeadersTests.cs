using AuthProxy.Forwarding;

namespace AuthProxy.Tests.Forwarding;

public sealed class StrippedHeadersTests
{
    [Theory]
    [InlineData("X-AuthProxy-User")]
    [InlineData("x_authproxy_user")]
    [InlineData("X-AUTHPROXY-")]
    [InlineData("X-DataHub-Actor")]
    [InlineData("x_datahub_actor")]
    [InlineData("X-HTTP-Method-Override")]
    [InlineData("x_http_method_override")]
    [InlineData("X-Http-Method")]
    [InlineData("X-Method-Override")]
    [InlineData("Remote-User")]
    [InlineData("REMOTE_USER")]
    [InlineData("Remote-Groups")]
    [InlineData("X-Remote-User")]
    [InlineData("X-Remote-Group")]
    [InlineData("X-Remote-Extra-Scopes")]
    [InlineData("X-Forwarded-User")]
    [InlineData("X-Forwarded-Email")]
    [InlineData("X-Forwarded-Preferred-Username")]
    [InlineData("X-Forwarded-Groups")]
    [InlineData("X-Forwarded-Access-Token")]
    [InlineData("X-Forwarded-For")]
    [InlineData("x_forwarded_host")]
    [InlineData("X-Auth-Request-User")]
    [InlineData("X-Auth-Request-Email")]
    [InlineData("X-Auth-Request-Preferred-Username")]
    [InlineData("X-Auth-Request-Groups")]
    [InlineData("X-Auth-Request-Access-Token")]
    [InlineData("X-WEBAUTH-USER")]
    [InlineData("x_webauth_user")]
    [InlineData("X-Authenticated-User")]
    [InlineData("True-Client-IP")]
    [InlineData("X-Real-IP")]
    [InlineData("X_Real_Ip")]
    [InlineData("X-Client-IP")]
    [InlineData("CF-Connecting-IP")]
    [InlineData("Fastly-Client-IP")]
    [InlineData("X-Cluster-Client-IP")]
    [InlineData("Forwarded")]
    [InlineData("X-Original-URL")]
    [InlineData("X-Original-Forwarded-For")]
    [InlineData("X-Rewrite-URL")]
    [InlineData("x_rewrite_url")]
    public void Default_StripsEverySpelling(string name) => Assert.True(StrippedHeaders.Default.Matches(name), name);

    [Theory]
    [InlineData("Authorization")] // removed separately: a policy may keep it
    [InlineData("X-AuthProxy")]
    [InlineData("X-Auth-Proxy-User")]
    [InlineData("Accept")]
    [InlineData("User-Agent")]
    [InlineData("X-Request-Id")]
    [InlineData("X-HTTP-Method-Overrides")]
    [InlineData("GSQL-GRAPH")]
    [InlineData("Forwarded-For")]
    [InlineData("traceparent")]
    public void Default_KeepsOtherHeaders(string name) => Assert.False(StrippedHeaders.Default.Matches(name), name);

    [Fact]
    public void Route_AddsNamesAndPrefixes_InEverySpelling()
    {
        var stripped = StrippedHeaders.ForRoute(new Dictionary<string, string> { ["authproxy.stripheaders"] = " X-Tenant , X-Internal-* " });

        Assert.True(stripped.HasRouteEntries);
        Assert.True(stripped.Matches("x_tenant"));
        Assert.True(stripped.Matches("X-INTERNAL-Role"));
        Assert.True(stripped.Matches("X_Internal_"));
        Assert.False(stripped.Matches("X-Tenants"));
        Assert.True(stripped.Matches("X-Real-IP"), "the defaults stay");
        Assert.False(StrippedHeaders.Default.Matches("X-Tenant"), "one route's entries do not leak into the defaults");
    }

    [Theory]
    [InlineData("X-Tenant", null)]
    [InlineData("X-Tenant, X-Internal-*, Content-MD5", null)]
    [InlineData("X-Tenant,", "an entry is empty")]
    [InlineData("*", "'*' alone")]
    [InlineData("X Tenant", "'X Tenant' is not a header name")]
    [InlineData("X-*-Tenant", "'X-*-Tenant' is not a header name")]
    [InlineData("X-Tenant:", "'X-Tenant:' is not a header name")]
    [InlineData("host", "would strip Host")]
    [InlineData("Content-*", "would strip Content-Length")]
    [InlineData("Transfer_Encoding", "would strip Transfer-Encoding")]
    [InlineData("H*", "would strip Host")]
    public void Validate_ReportsEachBadEntry(string value, string? problem)
    {
        var problems = StrippedHeaders.Validate(value);

        if (problem is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problem, Assert.Single(problems), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("X-Graph", "x_graph", true)]
    [InlineData("X-Graph", "X_GRAPH", true)]
    [InlineData("X_Graph", "x-graph", true)]
    [InlineData("X-Graph", "X-Graphs", false)]
    [InlineData("X-Graph", "X.Graph", false)]
    public void HeaderSpelling_IgnoresCaseAndUnderscores(string header, string name, bool same) =>
        Assert.Equal(same, HeaderSpelling.Same(name, header));
}
