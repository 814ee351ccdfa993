using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AuthProxy.Routing;

/// <summary>
/// Refuses request paths that could mean one thing to AuthProxy's router and another to the
/// backend, before any route is chosen (see <see cref="PathGuard"/>), so the path the policy
/// checked is the path the backend routes on.
/// </summary>
internal sealed class PathGuardMiddleware(RequestDelegate next, IOptions<AuthProxyOptions> options)
{
    private readonly PathGuard _guard = new(options.Value.AllowEncodedSlashes, options.Value.AllowPathParameters, options.Value.AllowEncodedDelimiters);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = (request.PathBase.HasValue ? request.PathBase.Add(request.Path).Value : request.Path.Value) ?? string.Empty;
        var rawTarget = context.Features.Find<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (_guard.Check(rawTarget, path) is { } problem)
        {
            return RefusalWriter.WriteAsync(context, new Refusal(RefusalKind.BadPath, problem.Message));
        }

        return next(context);
    }
}
