using System.Buffers;
using System.Collections.Immutable;
using AuthProxy.Errors;
using AuthProxy.Routing;

namespace AuthProxy.Parameters;

/// <summary>
/// The parameters refused on every forwarded request, in the query string and in form, JSON and
/// multipart bodies, in every spelling a backend reads as the name (the twin rules of
/// <see cref="Policy.QueryKeys"/>, the exact name included): the method override <c>_method</c>,
/// plus what a route adds in its <see cref="MetadataKey"/> metadata.
/// </summary>
internal sealed class RefusedParameters
{
    /// <summary>The route metadata key naming further parameters to refuse: comma-separated names.</summary>
    public const string MetadataKey = "AuthProxy.RefuseParameters";

    /// <summary>
    /// The method override that Rack (Rails, Sinatra), Laravel, Symfony, CakePHP and Spring's
    /// <c>HiddenHttpMethodFilter</c> read from a POST's body or query, and Express's
    /// method-override from wherever it is configured to: a POST the route allows would run as DELETE.
    /// </summary>
    public const string MethodOverride = "_method";

    /// <summary>The header override, which ServiceStack also reads from the query string and form.</summary>
    public const string MethodOverrideHeader = "X-HTTP-Method-Override";

    /// <summary>The parameters refused on every route. The README's Security section lists the same, with why.</summary>
    public static readonly ImmutableArray<string> DefaultNames = [MethodOverride, MethodOverrideHeader];

    private const int MaxNameLength = 64;

    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("!$'()*-.0123456789:@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");

    private RefusedParameters(ImmutableArray<string> names, bool hasRouteNames)
    {
        Names = names;
        HasRouteNames = hasRouteNames;
    }

    /// <summary>The list every route refuses.</summary>
    public static RefusedParameters Default { get; } = new(DefaultNames, hasRouteNames: false);

    /// <summary>The names, the defaults first.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Whether a route added names of its own.</summary>
    public bool HasRouteNames { get; }

    /// <summary>The default list plus a route's <see cref="MetadataKey"/> names (already validated with <see cref="Validate"/>).</summary>
    public static RefusedParameters ForRoute(IReadOnlyDictionary<string, string>? metadata)
    {
        var value = ReadMetadata(metadata);
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        var extra = Split(value).Where(n => Problem(n) is null);
        return new RefusedParameters([.. DefaultNames.Concat(extra).Distinct(StringComparer.Ordinal)], hasRouteNames: true);
    }

    /// <summary>The route's <see cref="MetadataKey"/> value (the key in any case), or null.</summary>
    public static string? ReadMetadata(IReadOnlyDictionary<string, string>? metadata) => RouteMetadata.Read(metadata, MetadataKey);

    /// <summary>Every problem with a <see cref="MetadataKey"/> value; empty when it is valid.</summary>
    public static List<string> Validate(string value) =>
        [.. Split(value).Select(Problem).OfType<string>().Select(p => $"Metadata {MetadataKey}: {p}")];

    /// <summary>The refusal of a request whose query string carries <paramref name="key"/>, read as <paramref name="name"/>.</summary>
    public static Refusal InQuery(string key, string name) =>
        new(RefusalKind.BadParameter, $"The request is refused because it carries query parameter {Spelling(key, name)}{Why(name)}");

    /// <summary>The refusal of a request whose body carries <paramref name="key"/>, read as <paramref name="name"/>.</summary>
    public static Refusal InBody(string key, string name, string mediaType) =>
        new(RefusalKind.BadParameter, $"The request is refused because its body ({mediaType}) carries {Spelling(key, name)}{Why(name)}");

    /// <summary>The refusal of a request whose body cannot be checked for the refused parameters.</summary>
    public static Refusal Unreadable(string mediaType, string problem) =>
        new(RefusalKind.BadParameter,
            $"The request is refused because its body ({mediaType}) cannot be checked for parameters AuthProxy refuses, such as the method override '{MethodOverride}': {problem}");

    private static string Spelling(string key, string name) =>
        string.Equals(key, name, StringComparison.Ordinal) ? $"'{name}'" : $"'{Denials.Show(key)}', which backends may read as '{name}'";

    private static string Why(string name) => DefaultNames.Contains(name)
        ? ", a method override that Rails, Laravel, Symfony, Express and ServiceStack honour; send the method as the request's own method"
        : $", a parameter this route refuses ({MetadataKey})";

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.TrimEntries);

    private static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "an entry is empty (expected comma-separated parameter names)";
        }

        if (name.Length > MaxNameLength)
        {
            return $"'{Denials.Show(name)}' is longer than {MaxNameLength} characters";
        }

        return name.AsSpan().ContainsAnyExcept(NameCharacters)
            ? $"'{Denials.Show(name)}' is not a parameter name (letters, digits and !$'()*-.:@_~)"
            : null;
    }
}
