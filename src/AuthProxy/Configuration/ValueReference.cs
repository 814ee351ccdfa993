namespace AuthProxy.Configuration;

/// <summary>
/// A configuration value in TigerGraph's three forms: inline content, <c>@path</c> (a file's
/// content), or an <c>http(s)</c> URL.
/// </summary>
internal readonly record struct ValueReference(ValueReferenceKind Kind, string Value)
{
    public static ValueReference Parse(string raw, string contentRoot)
    {
        var trimmed = raw.Trim();
        if (trimmed.StartsWith('@'))
        {
            var path = trimmed[1..].Trim();
            return new ValueReference(ValueReferenceKind.File, Path.GetFullPath(path, contentRoot));
        }

        if (trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return new ValueReference(ValueReferenceKind.Url, trimmed);
        }

        return new ValueReference(ValueReferenceKind.Inline, raw);
    }

    /// <summary>
    /// How the value is named in messages, metric labels, span tags and readiness text: never the
    /// inline content itself, and a URL without its user info, query or fragment (<see cref="UrlRedaction"/>).
    /// </summary>
    public string Describe(string key) => Kind switch
    {
        ValueReferenceKind.File => $"{key} (file {Value})",
        ValueReferenceKind.Url => $"{key} ({UrlRedaction.Redact(Value)})",
        _ => $"{key} (inline)",
    };
}
