using System.Buffers;
using System.Collections.Immutable;

namespace AuthProxy.Forwarding;

/// <summary>
/// The request headers removed before forwarding, in every spelling (<see cref="HeaderSpelling"/>):
/// the one list AuthProxy strips on every route, anonymous ones included, plus what a route adds
/// in its <see cref="MetadataKey"/> metadata. An entry ending in <c>*</c> is a prefix.
/// </summary>
/// <remarks>
/// The client's <c>Authorization</c> and <c>Proxy-Authorization</c> are removed separately, by
/// <see cref="IdentityTransform"/>, because a policy may keep <c>Authorization</c>.
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

        // Method overrides: a GET the route allows must not run as DELETE at a backend that honours them.
        "X-HTTP-Method-Override",
        "X-HTTP-Method",
        "X-Method-Override",

        // Identity that other auth proxies set and servers trust (Authelia, the Kubernetes front
        // proxy, oauth2-proxy, Grafana, Kong and the like).
        "Remote-*",
        "X-Remote-*",
        "X-Auth-Request-*",
        "X-WEBAUTH-*",
        "X-Authenticated-*",

        // Client address and the original request as proxies report them; YARP then sets
        // X-Forwarded-For, -Proto, -Host and -Prefix itself, from what AuthProxy saw.
        "X-Forwarded-*",
        "Forwarded",
        "X-Real-IP",
        "X-Client-IP",
        "True-Client-IP",
        "CF-Connecting-IP",
        "Fastly-Client-IP",
        "X-Cluster-Client-IP",

        // URL overrides that IIS, Symfony and Zend route on instead of the request line.
        "X-Original-*",
        "X-Rewrite-URL",
    ];

    /// <summary>Headers AuthProxy must forward for the request to work; no entry may strip them.</summary>
    private static readonly string[] Framing = ["Host", "Content-Length", "Transfer-Encoding"];

    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly string[] _names;
    private readonly string[] _prefixes;

    private StrippedHeaders(IEnumerable<string> entries, bool hasRouteEntries)
    {
        var names = new List<string>();
        var prefixes = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.EndsWith('*'))
            {
                prefixes.Add(entry[..^1]);
            }
            else
            {
                names.Add(entry);
            }
        }

        _names = [.. names];
        _prefixes = [.. prefixes];
        HasRouteEntries = hasRouteEntries;
    }

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
    public static string? ReadMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        foreach (var (key, value) in metadata ?? ImmutableDictionary<string, string>.Empty)
        {
            if (string.Equals(key, MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

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

    /// <summary>Whether a request header named <paramref name="name"/> is stripped.</summary>
    public bool Matches(ReadOnlySpan<char> name)
    {
        foreach (var exact in _names)
        {
            if (HeaderSpelling.Same(name, exact))
            {
                return true;
            }
        }

        foreach (var prefix in _prefixes)
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
}
