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
    [InlineData("X.AuthProxy.User")]
    [InlineData("X-Forwarded.For")]
    [InlineData("X-HTTP-Method.Override")]
    [InlineData("x.http.method.override")]
    [InlineData("Proxy")]
    [InlineData("PROXY")]
    [InlineData("Client-IP")]
    [InlineData("client_ip")]
    [InlineData("X-Forwarded")]
    [InlineData("X_Forwarded")]
    [InlineData("Forwarded-For")]
    [InlineData("Forwarded-Host")]
    [InlineData("X-Originating-IP")]
    [InlineData("X-ProxyUser-Ip")]
    [InlineData("X-ARR-ClientIP")]
    [InlineData("X-Envoy-External-Address")]
    [InlineData("X-Envoy-Internal")]
    [InlineData("X-Envoy-Original-Path")]
    [InlineData("X-ARR-ClientCert")]
    [InlineData("X-Client-Cert")]
    [InlineData("X-Client-Cert-Chain")]
    [InlineData("Client-Cert")]
    [InlineData("Client-Cert-Chain")]
    [InlineData("X-SSL-Client-DN")]
    [InlineData("X-SSL-Client-Verify")]
    [InlineData("SSL_CLIENT_S_DN")]
    [InlineData("SSL_CLIENT_CERT")]
    [InlineData("X-Amzn-Oidc-Identity")]
    [InlineData("X-Amzn-Oidc-Data")]
    [InlineData("X-Amzn-Oidc-Accesstoken")]
    [InlineData("X-Goog-Authenticated-User-Email")]
    [InlineData("X-Goog-Authenticated-User-Id")]
    [InlineData("X-Goog-Iap-Jwt-Assertion")]
    [InlineData("X-Endpoint-API-UserInfo")]
    [InlineData("X-Apigateway-Api-Userinfo")]
    [InlineData("Cf-Access-Jwt-Assertion")]
    [InlineData("Cf-Access-Authenticated-User-Email")]
    [InlineData("X-MS-CLIENT-PRINCIPAL")]
    [InlineData("X-MS-CLIENT-PRINCIPAL-NAME")]
    [InlineData("X-MS-CLIENT-PRINCIPAL-ID")]
    [InlineData("X-MS-TOKEN-AAD-ACCESS-TOKEN")]
    [InlineData("X-Consumer-Username")]
    [InlineData("X-Consumer-ID")]
    [InlineData("X-Credential-Identifier")]
    [InlineData("X-Userinfo")]
    [InlineData("X-Pomerium-Jwt-Assertion")]
    [InlineData("X-Pomerium-Claim-Email")]
    [InlineData("X-User")]
    [InlineData("X-Username")]
    [InlineData("X-Auth-User")]
    [InlineData("X-Host")]
    [InlineData("X-HTTP-Host-Override")]
    [InlineData("X-Content-Length")]
    [InlineData("x_content_length")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Proxy_Authorization")]
    [InlineData("proxy.authorization")]
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
    [InlineData("traceparent")]
    [InlineData("Proxy-Connection")]
    [InlineData("X-Users")]
    [InlineData("X-Hostname")]
    [InlineData("X-Api-Key")]
    [InlineData("Content-Length")]
    [InlineData("X-Forwarde")]
    [InlineData("X")]
    [InlineData("")]
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
    [InlineData("X-Graph", "X.Graph", true)] // older Apache CGI maps '.' to '_' too
    [InlineData("X-Graph", "x.GRAPH", true)]
    [InlineData("X-Graph", "X,Graph", false)]
    public void HeaderSpelling_IgnoresCaseUnderscoresAndDots(string header, string name, bool same) =>
        Assert.Equal(same, HeaderSpelling.Same(name, header));

    /// <summary>The bucketed look-up answers exactly as comparing the name with every entry would.</summary>
    [Fact]
    public void Authorization_IsKeptByDefault_AndStrippedWhereARouteNamesIt_OrAPrefixOfIt()
    {
        // The default list answers Authorization without its look-ups; a route's entry still reaches it, in any spelling.
        foreach (var name in new[] { "Authorization", "authorization", "AUTHORIZATION" })
        {
            Assert.False(StrippedHeaders.Default.Matches(name), name);
            Assert.True(StrippedHeaders.ForRoute(new Dictionary<string, string> { [StrippedHeaders.MetadataKey] = "Authorization" }).Matches(name), name);
            Assert.True(StrippedHeaders.ForRoute(new Dictionary<string, string> { [StrippedHeaders.MetadataKey] = "auth*" }).Matches(name), name);
        }

        Assert.True(StrippedHeaders.Default.Matches("Proxy-Authorization"));
    }

    [Fact]
    public void Matches_AgreesWithComparingEveryEntry()
    {
        var stripped = StrippedHeaders.ForRoute(new Dictionary<string, string> { [StrippedHeaders.MetadataKey] = "X-*, Y, Z-Tenant-*, x_i*" });
        string[] entries = [.. StrippedHeaders.DefaultEntries, "X-*", "Y", "Z-Tenant-*", "x_i*"];
        var names = new HashSet<string>(StringComparer.Ordinal) { "", "X", "x", "X-", "x.", "Y", "Yy", "Z-Tenant", "Z-Tenant-1", "Xi", "X-i", "Accept" };
        foreach (var entry in entries)
        {
            var name = entry.TrimEnd('*');
            for (var length = 0; length <= name.Length; length++)
            {
                var start = name[..length];
                names.Add(start);
                names.Add(start + "a");
                names.Add(start + "-");
                names.Add(start.ToUpperInvariant().Replace('-', '_'));
                names.Add(start.ToLowerInvariant().Replace('-', '.'));
            }
        }

        foreach (var name in names)
        {
            var expected = entries.Any(e => e.EndsWith('*') ? HeaderSpelling.StartsWith(name, e.AsSpan(0, e.Length - 1)) : HeaderSpelling.Same(name, e));
            Assert.True(expected == stripped.Matches(name), name);
            var expectedDefault = StrippedHeaders.DefaultEntries.Any(e => e.EndsWith('*') ? HeaderSpelling.StartsWith(name, e.AsSpan(0, e.Length - 1)) : HeaderSpelling.Same(name, e));
            Assert.True(expectedDefault == StrippedHeaders.Default.Matches(name), name);
        }
    }
}
