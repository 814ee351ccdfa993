using System.Buffers;
using System.Collections.Immutable;
using AuthProxy.Routing;
using Microsoft.Net.Http.Headers;

namespace AuthProxy.Forwarding;

/// <summary>
/// The request headers removed before forwarding, in every spelling (<see cref="HeaderSpelling"/>):
/// the one list AuthProxy strips on every route, anonymous ones included, plus what a route adds
/// in its <see cref="MetadataKey"/> metadata. An entry ending in <c>*</c> is a prefix.
/// </summary>
/// <remarks>
/// The client's <c>Authorization</c> is removed separately, by <see cref="IdentityTransform"/>,
/// because a policy may keep it.
/// </remarks>
internal sealed class StrippedHeaders
{
    /// <summary>The route metadata key naming further headers to strip: comma-separated names, a trailing <c>*</c> for a prefix.</summary>
    public const string MetadataKey = "AuthProxy.StripHeaders";

    /// <summary>The headers stripped on every route. The README's Security section lists the same, with why.</summary>
    public static readonly ImmutableArray<string> DefaultEntries =
    [
        // AuthProxy's own identity headers, and DataHub's actor, which a DataHub backend trusts.
        IdentityHeaders.Prefix + "*",
        IdentityHeaders.DataHubActor,

        // The client's proxy credentials: meant for AuthProxy, never for the backend. YARP drops the
        // header itself as hop-by-hop; its other spellings (Proxy_Authorization) it would forward.
        "Proxy-Authorization",

        // Method overrides: a GET the route allows must not run as DELETE at a backend that honours them.
        "X-HTTP-Method-Override",
        "X-HTTP-Method",
        "X-Method-Override",

        // Identity that other auth proxies, gateways and single-sign-on front ends set and servers
        // trust: Authelia, the Kubernetes front proxy, oauth2-proxy, Grafana, Kong, AWS ALB, Google
        // IAP and Cloud Endpoints, Cloudflare Access, Azure App Service, Pomerium and the like.
        "Remote-*",
        "X-Remote-*",
        "X-Auth-Request-*",
        "X-WEBAUTH-*",
        "X-Authenticated-*",
        "X-User",
        "X-Username",
        "X-Auth-User",
        "X-Amzn-Oidc-*",
        "X-Goog-Authenticated-User-*",
        "X-Goog-Iap-Jwt-Assertion",
        "X-Endpoint-API-UserInfo",
        "X-Apigateway-Api-Userinfo",
        "Cf-Access-*",
        "X-MS-CLIENT-PRINCIPAL*",
        "X-MS-TOKEN-*",
        "X-Consumer-*",
        "X-Credential-Identifier",
        "X-Userinfo",
        "X-Pomerium-*",

        // Client certificates as TLS-terminating proxies pass them on (IIS ARR, nginx, HAProxy, RFC 9440).
        "X-ARR-ClientCert",
        "X-Client-Cert*",
        "Client-Cert*",
        "X-SSL-*",
        "SSL-Client-*",

        // Client address and the original request as proxies report them; YARP then sets
        // X-Forwarded-For, -Proto, -Host and -Prefix itself, from what AuthProxy saw.
        "X-Forwarded-*",
        "X-Forwarded",
        "Forwarded",
        "Forwarded-*",
        "X-Real-IP",
        "X-Client-IP",
        "Client-IP",
        "True-Client-IP",
        "CF-Connecting-IP",
        "Fastly-Client-IP",
        "X-Cluster-Client-IP",
        "X-Originating-IP",
        "X-ProxyUser-Ip",
        "X-ARR-ClientIP",
        "X-Envoy-External-Address",
        "X-Envoy-Internal",

        // URL and host overrides that IIS, Symfony, Zend and others route on instead of the request line.
        "X-Original-*",
        "X-Envoy-Original-*",
        "X-Rewrite-URL",
        "X-Host",
        "X-HTTP-Host-Override",

        // httpoxy: CGI makes "Proxy" the HTTP_PROXY variable, which HTTP clients take for their outgoing proxy.
        "Proxy",

        // Kestrel renames a Content-Length it ignored beside Transfer-Encoding to this, and backends may read it.
        "X-Content-Length",
    ];

    /// <summary>
    /// Headers that frame the request or say how to read its body. Their canonical spellings are
    /// forwarded as the client sent them; every other spelling (<c>Transfer_Encoding</c>,
    /// <c>Content.Type</c>) is removed on every route: a CGI-style backend reads it as the real one
    /// (Puma before 6.4.3 framed requests by <c>Transfer_Encoding</c>, CVE-2024-45614; Symfony reads
    /// <c>Content_Type</c> as the body's type), while AuthProxy and YARP framed and read the body by
    /// the canonical one.
    /// </summary>
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Twinned = new HashSet<string>(
    [
        "Host", "Content-Length", "Transfer-Encoding", "Content-Type", "Content-Encoding", "Content-MD5", "Content-Range",
        "Content-Language", "Content-Location", "Content-Disposition", "Connection", "Keep-Alive", "Proxy-Connection",
        "TE", "Trailer", "Upgrade", "Expect",
    ], HeaderNameComparer.Instance).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Headers AuthProxy must forward for the request to work; no entry may strip them.</summary>
    private static readonly string[] Framing = ["Host", "Content-Length", "Transfer-Encoding"];

    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Prefix buckets: one per folded first character, and one per folded third character of names that start with <c>X-</c>.</summary>
    private const int BucketCount = 256;

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _names;
    private readonly string[][] _prefixes;
    private readonly string[] _shortPrefixes;

    private StrippedHeaders(IEnumerable<string> entries, bool hasRouteEntries)
    {
        var names = new HashSet<string>(HeaderNameComparer.Instance);
        var buckets = new List<string>?[BucketCount];
        var shortPrefixes = new List<string>();
        foreach (var entry in entries)
        {
            if (!entry.EndsWith('*'))
            {
                names.Add(entry);
                continue;
            }

            var prefix = entry[..^1];
            var bucket = BucketOf(prefix);
            if (bucket < 0)
            {
                shortPrefixes.Add(prefix);
            }
            else
            {
                (buckets[bucket] ??= []).Add(prefix);
            }
        }

        _names = names.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixes = [.. buckets.Select(b => b is null ? [] : b.ToArray())];
        _shortPrefixes = [.. shortPrefixes];
        HasRouteEntries = hasRouteEntries;
        _keepsAuthorization = !Matches(HeaderNames.Authorization);
    }

    /// <summary>
    /// Whether the list leaves <c>Authorization</c> alone (the default list does: the identity
    /// transform decides it). Every authenticated request carries it, so <see cref="Matches"/>
    /// answers it without the look-ups.
    /// </summary>
    private readonly bool _keepsAuthorization;

    /// <summary>The list every route strips.</summary>
    public static StrippedHeaders Default { get; } = new(DefaultEntries, hasRouteEntries: false);

    /// <summary>Whether a route added entries of its own (which may name content headers such as <c>Content-MD5</c>).</summary>
    public bool HasRouteEntries { get; }

    /// <summary>The default list plus a route's <see cref="MetadataKey"/> entries (already validated with <see cref="Validate"/>).</summary>
    public static StrippedHeaders ForRoute(IReadOnlyDictionary<string, string>? metadata)
    {
        var value = ReadMetadata(metadata);
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        var extra = Split(value).Where(e => Problem(e) is null);
        return new StrippedHeaders(DefaultEntries.Concat(extra), hasRouteEntries: true);
    }

    /// <summary>The route's <see cref="MetadataKey"/> value (the key in any case), or null.</summary>
    public static string? ReadMetadata(IReadOnlyDictionary<string, string>? metadata) => RouteMetadata.Read(metadata, MetadataKey);

    /// <summary>Every problem with a <see cref="MetadataKey"/> value; empty when it is valid.</summary>
    public static List<string> Validate(string value)
    {
        var problems = new List<string>();
        foreach (var entry in Split(value))
        {
            if (Problem(entry) is { } problem)
            {
                problems.Add($"Metadata {MetadataKey}: {problem}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Whether a request header named <paramref name="name"/> is stripped. Runs for every header of
    /// every forwarded request: one hash look-up for the names, and only the prefixes that share the
    /// name's bucket (<see cref="BucketOf"/>), without allocating.
    /// </summary>
    public bool Matches(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || _keepsAuthorization && name.Equals(HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (_names.Contains(name))
        {
            return true;
        }

        if (name.IndexOfAny('_', '.') >= 0 && Twinned.Contains(name))
        {
            return true; // a twin of a framing or body header; the canonical spellings hold neither character
        }

        var bucket = BucketOf(name);
        if (bucket >= 0 && StartsWithAny(name, _prefixes[bucket]))
        {
            return true;
        }

        return _shortPrefixes.Length > 0 && StartsWithAny(name, _shortPrefixes);
    }

    /// <summary>
    /// The prefix bucket of a name or prefix: its folded first character, or for names starting with
    /// <c>X-</c> (most of the list) <c>0x80</c> plus the folded third character. -1 when the text is
    /// too short to say (a prefix such as <c>X</c> or <c>X-</c>, checked against every name).
    /// </summary>
    private static int BucketOf(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return -1;
        }

        var first = HeaderSpelling.Fold(text[0]);
        if (first != 'x')
        {
            return first & 0x7F;
        }

        if (text.Length < 2)
        {
            return -1;
        }

        if (HeaderSpelling.Fold(text[1]) != '-')
        {
            return 'x';
        }

        return text.Length < 3 ? -1 : 0x80 | (HeaderSpelling.Fold(text[2]) & 0x7F);
    }

    private static bool StartsWithAny(ReadOnlySpan<char> name, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (HeaderSpelling.StartsWith(name, prefix))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.TrimEntries);

    private static string? Problem(string entry)
    {
        var prefix = entry.EndsWith('*');
        var name = prefix ? entry.AsSpan(0, entry.Length - 1) : entry.AsSpan();
        if (entry.Length == 0)
        {
            return "an entry is empty (expected comma-separated header names)";
        }

        if (name.IsEmpty)
        {
            return "'*' alone would strip every header; name a prefix, such as X-Internal-*";
        }

        if (name.ContainsAnyExcept(TokenCharacters))
        {
            return $"'{entry}' is not a header name (letters, digits and !#$%&'+-.^_`|~, with a trailing * for a prefix)";
        }

        foreach (var framing in Framing)
        {
            if (prefix ? HeaderSpelling.StartsWith(framing, name) : HeaderSpelling.Same(framing, name))
            {
                return $"'{entry}' would strip {framing}, which AuthProxy needs to forward the request";
            }
        }

        return null;
    }

    /// <summary>The framing and body headers whose other spellings are removed on every route (the README lists them).</summary>
    public static IReadOnlySet<string> TwinnedNames => Twinned.Set;
}
