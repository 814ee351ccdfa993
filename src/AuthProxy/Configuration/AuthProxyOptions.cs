namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy</c>: the proxy's own settings.</summary>
public sealed class AuthProxyOptions
{
    public const string SectionName = "AuthProxy";

    /// <summary>The routes file (YARP's <c>ReverseProxy</c> schema plus <c>AuthPolicies</c>); <c>--routes FILE</c> sets it. Relative paths are under the content root.</summary>
    /// <value>The default value is <c>routes.json</c>.</value>
    public string RoutesFile { get; set; } = "routes.json";

    /// <summary>
    /// Whether a path may carry an encoded slash or backslash (<c>%2F</c>, <c>%5C</c>). Refused by
    /// default: a backend that decodes them could route the request somewhere its policy was not
    /// checked. Allow only for backends that treat them as data.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowEncodedSlashes { get; set; }

    /// <summary>
    /// Whether a path may carry <c>;</c>. Refused by default: Tomcat, Jetty and Spring read it as
    /// the start of a path parameter and remove it, so <c>/a/..;/b</c> reaches them as
    /// <c>/a/../b</c>. Allow only for backends that treat <c>;</c> as data; even then a segment
    /// that is empty or only dots before its <c>;</c> is refused.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowPathParameters { get; set; }

    /// <summary>
    /// Whether a path may carry an encoded <c>?</c> or <c>#</c> (<c>%3F</c>, <c>%23</c>). Refused by
    /// default: a backend or intermediary that decodes the path before splitting it (nginx's
    /// <c>proxy_pass</c> with <c>$uri</c>, Apache rewrite back-references) reads what follows as the
    /// query, so <c>/q/x%3Fgraph=finance?graph=social</c> would be checked as one graph and acted on
    /// as another. Allow only for backends that treat them as data; even then a segment made only of
    /// dots before the delimiter is refused.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowEncodedDelimiters { get; set; }

    /// <summary>
    /// The largest request body AuthProxy reads, on routes whose policy takes the graph from a
    /// query parameter (<c>"Graph": "query:NAME"</c>), to look for the name in a form or JSON body,
    /// where PHP, Rails, Laravel and ASP.NET model binding would read it too. A larger form or JSON
    /// body on such a route is refused; other routes never read a body for this. From 1024 to
    /// 16777216 (16 MiB).
    /// </summary>
    /// <value>The default value is 65536 (64 KiB).</value>
    public int MaxGraphBodyBytes { get; set; } = 65536;

    /// <summary>
    /// Load balancers and proxies in front of AuthProxy (IP addresses or CIDR networks) whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed: the client address then
    /// comes from them (for throttling and for the backend). Nobody else's are.
    /// </summary>
    /// <value>The default value is empty: the connection's address is the client's.</value>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>One <see cref="TrustedProxies"/> entry as a network: a CIDR network, or one address as a network of its own.</summary>
    internal static bool TryParseTrustedProxy(string entry, out System.Net.IPNetwork network)
    {
        if (System.Net.IPNetwork.TryParse(entry, out network))
        {
            return true;
        }

        if (System.Net.IPAddress.TryParse(entry, out var address))
        {
            network = new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>How long a stopping AuthProxy lets requests in flight finish (it stops accepting new ones at once).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
