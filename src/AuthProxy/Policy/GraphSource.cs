using AuthProxy.Forwarding;
using Microsoft.Extensions.Primitives;

namespace AuthProxy.Policy;

/// <summary>Where a request names its graph: <c>route:NAME</c>, <c>query:NAME</c> or <c>header:NAME</c>.</summary>
internal sealed record GraphSource(GraphSourceKind Kind, string Name)
{
    public static bool TryParse(string text, out GraphSource? source)
    {
        source = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var name = text[(colon + 1)..].Trim();
        GraphSourceKind? kind = text[..colon].Trim().ToUpperInvariant() switch
        {
            "ROUTE" => GraphSourceKind.Route,
            "QUERY" => GraphSourceKind.Query,
            "HEADER" => GraphSourceKind.Header,
            _ => null,
        };

        if (kind is null || name.Length == 0)
        {
            return false;
        }

        source = new GraphSource(kind.Value, name);
        return true;
    }

    /// <summary>
    /// Reads the request's graph into <paramref name="value"/>. More than one value is ambiguous;
    /// a twin (a spelling of the name that some backend reads as the name, such as <c>graph[]</c>
    /// or <c>X_Graph</c>, or for a query parameter a cookie of that name) is refused too, and
    /// <paramref name="value"/> is then its spelling.
    /// Route values come from the path, which the path guard has already made unambiguous.
    /// </summary>
    public GraphRead TryRead(HttpContext context, out string value)
    {
        value = string.Empty;
        switch (Kind)
        {
            case GraphSourceKind.Route:
                if (context.Request.RouteValues.TryGetValue(Name, out var routeValue) && routeValue is string text && text.Length > 0)
                {
                    value = text;
                    return GraphRead.Found;
                }

                return GraphRead.Missing;
            case GraphSourceKind.Query:
                if (QueryKeys.FindTwin(context.Request.QueryString.Value, Name) is { } queryTwin)
                {
                    value = queryTwin;
                    return GraphRead.Twin;
                }

                if (FindCookieTwin(context.Request.Headers.Cookie) is { } cookieTwin)
                {
                    value = cookieTwin;
                    return GraphRead.CookieTwin;
                }

                return FromValues(context.Request.Query[Name], out value);
            default:
                if (FindHeaderTwin(context.Request.Headers) is { } headerTwin)
                {
                    value = headerTwin;
                    return GraphRead.Twin;
                }

                return FromValues(context.Request.Headers[Name], out value);
        }
    }

    /// <summary>A header whose name is <see cref="Name"/> with '_' for '-' or the reverse, which many servers read as the same header.</summary>
    private string? FindHeaderTwin(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (HeaderSpelling.Same(header.Key, Name) && !string.Equals(header.Key, Name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Key;
            }
        }

        return null;
    }

    /// <summary>
    /// A cookie whose name reads as <see cref="Name"/> (the exact name included): PHP's
    /// <c>$_REQUEST</c> holds cookies too, over the query, when <c>request_order</c> is unset (the
    /// default without a php.ini, as in the official images), and classic ASP.NET's <c>Request[name]</c>
    /// reads cookies after the query and the form.
    /// </summary>
    private string? FindCookieTwin(StringValues cookies)
    {
        foreach (var header in cookies)
        {
            var text = (header ?? string.Empty).AsSpan();
            foreach (var range in text.SplitAny(';', ','))
            {
                var pair = text[range];
                var equals = pair.IndexOf('=');
                var key = (equals < 0 ? pair : pair[..equals]).Trim();
                if (QueryKeys.ReadsAsName(key, Name))
                {
                    return key.ToString();
                }
            }
        }

        return null;
    }

    private static GraphRead FromValues(StringValues values, out string graph)
    {
        graph = string.Empty;
        if (values.Count > 1)
        {
            return GraphRead.Ambiguous;
        }

        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return GraphRead.Missing;
        }

        graph = values[0]!;
        return GraphRead.Found;
    }

    /// <summary>How messages name the source, for example "query parameter 'graph'".</summary>
    public string Describe() => Describe(Name);

    /// <summary>How messages name another spelling of the source, for example "query parameter 'graph[]'".</summary>
    public string Describe(string name) => Kind switch
    {
        GraphSourceKind.Route => $"route value '{name}'",
        GraphSourceKind.Query => $"query parameter '{name}'",
        _ => $"header '{name}'",
    };

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Name}";
}
