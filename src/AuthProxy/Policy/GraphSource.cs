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

    /// <summary>Reads the request's graph. More than one value is ambiguous and refused.</summary>
    public GraphRead TryRead(HttpContext context, out string graph)
    {
        graph = string.Empty;
        switch (Kind)
        {
            case GraphSourceKind.Route:
                if (context.Request.RouteValues.TryGetValue(Name, out var value) && value is string text && text.Length > 0)
                {
                    graph = text;
                    return GraphRead.Found;
                }

                return GraphRead.Missing;
            case GraphSourceKind.Query:
                return FromValues(context.Request.Query[Name], out graph);
            default:
                return FromValues(context.Request.Headers[Name], out graph);
        }
    }

    private static GraphRead FromValues(Microsoft.Extensions.Primitives.StringValues values, out string graph)
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
    public string Describe() => Kind switch
    {
        GraphSourceKind.Route => $"route value '{Name}'",
        GraphSourceKind.Query => $"query parameter '{Name}'",
        _ => $"header '{Name}'",
    };

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Name}";
}

internal enum GraphSourceKind
{
    Route,
    Query,
    Header,
}

internal enum GraphRead
{
    Found,
    Missing,
    Ambiguous,
}
