using AuthProxy.Configuration;
using AuthProxy.Errors;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens;

/// <summary>
/// Refuses cross-site requests to the token services' state-changing endpoints (marked with
/// <see cref="RefuseCrossSiteRequests"/>), so a page on another site cannot make a browser that
/// holds Basic credentials or a cookie create secrets or tokens. Browsers say where a request comes
/// from (<c>Sec-Fetch-Site</c>, <c>Origin</c>, and <c>Referer</c> when neither is sent); clients that
/// are not browsers (pyTigerGraph, curl, GraphQL clients) send none of them and pass.
/// </summary>
internal sealed class CrossSiteGuard(RequestDelegate next, IOptions<TokenServicesOptions> options)
{
    private readonly string[] _allowed = [.. options.Value.AllowedOrigins.Select(o => o.TrimEnd('/'))];

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RefuseCrossSiteRequests>() is not null
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && CrossSite(context.Request) is { } from)
        {
            return RefusalWriter.WriteAsync(context,
                new Refusal(RefusalKind.CrossSite, $"Access Denied because this request comes from another site ({Denials.Show(from)}); token services accept only same-origin browser requests"));
        }

        return next(context);
    }

    /// <summary>Where a cross-site request says it comes from, or null when it is same-origin or not from a browser.</summary>
    private string? CrossSite(HttpRequest request)
    {
        var headers = request.Headers;
        var fetchSite = headers["Sec-Fetch-Site"];
        if (fetchSite.Count > 0 && fetchSite.ToString() is not ("same-origin" or "none") && !AllowedOrigin(headers.Origin))
        {
            return "Sec-Fetch-Site: " + fetchSite;
        }

        if (headers.Origin.Count > 0)
        {
            var origin = headers.Origin.ToString();
            return SameOrigin(request, origin) || AllowedOrigin(headers.Origin) ? null : "Origin: " + origin;
        }

        if (fetchSite.Count == 0 && headers.Referer.Count > 0 && Uri.TryCreate(headers.Referer.ToString(), UriKind.Absolute, out var referer))
        {
            var from = referer.GetLeftPart(UriPartial.Authority);
            return SameOrigin(request, from) || _allowed.Contains(from, StringComparer.OrdinalIgnoreCase) ? null : "Referer: " + from;
        }

        return null;
    }

    private bool AllowedOrigin(Microsoft.Extensions.Primitives.StringValues origin) =>
        origin.Count == 1 && _allowed.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase);

    private static bool SameOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, request.Host.Host, StringComparison.OrdinalIgnoreCase)
        && uri.Port == (request.Host.Port ?? (request.IsHttps ? 443 : 80));
}
