using AuthProxy.Configuration;
using AuthProxy.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AuthProxy.Routing;

/// <summary>
/// Refuses request paths that could mean one thing to AuthProxy's router and another to the
/// backend, before any route is chosen. Kestrel has already decoded the path and removed
/// <c>.</c>/<c>..</c> segments; what remains must not decode or normalise any further, so the
/// path the policy checked is the path the backend routes on.
/// </summary>
internal sealed class PathGuardMiddleware(RequestDelegate next, IOptions<AuthProxyOptions> options, ActiveRoutes routes)
{
    private readonly bool _allowEncodedSlashes = options.Value.AllowEncodedSlashes;

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.PathBase.Add(context.Request.Path).Value ?? string.Empty;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if ((Check(path, _allowEncodedSlashes) ?? CheckRaw(rawTarget)) is { } problem)
        {
            return RefusalWriter.WriteAsync(context, new Refusal(RefusalKind.BadPath, "The request path is refused: " + problem),
                routes.Current.DefaultPolicy.ErrorStyle);
        }

        return next(context);
    }

    /// <summary>
    /// Kestrel decodes <c>%25</c> to <c>%</c> but keeps <c>%2F</c>, so after decoding <c>%252F</c>
    /// and <c>%2F</c> look alike; only the raw target tells a double encoding apart.
    /// </summary>
    internal static string? CheckRaw(ReadOnlySpan<char> rawTarget)
    {
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget : rawTarget[..query];
        for (var i = 0; i + 4 < path.Length; i++)
        {
            if (path[i] == '%' && path[i + 1] == '2' && path[i + 2] == '5' && char.IsAsciiHexDigit(path[i + 3]) && char.IsAsciiHexDigit(path[i + 4]))
            {
                return "it is percent-encoded twice";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="path"/> is ambiguous, or null when it is not.</summary>
    internal static string? Check(ReadOnlySpan<char> path, bool allowEncodedSlashes)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (char.IsControl(c))
            {
                return "it contains a control character";
            }

            if (c == '\\')
            {
                return "it contains a backslash";
            }

            if (c == '/' && i + 1 < path.Length && path[i + 1] == '/')
            {
                return "it contains an empty segment (//)";
            }

            if (c == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                // Kestrel leaves %2F encoded; any other escape left means the client encoded twice.
                var slash = (path[i + 1] == '2' && (path[i + 2] is 'F' or 'f')) || (path[i + 1] == '5' && (path[i + 2] is 'C' or 'c'));
                if (!slash)
                {
                    return "it is percent-encoded twice";
                }

                if (!allowEncodedSlashes)
                {
                    return "it contains an encoded slash or backslash (%2F, %5C)";
                }
            }
        }

        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or "..")
            {
                return "it contains a dot segment";
            }
        }

        return null;
    }
}
