using System.Globalization;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Policy;

namespace AuthProxy.Tokens.GridGain;

/// <summary>
/// GridGain 9's REST authentication: login for a JWT, and revocation of every token of a user or
/// of one token, in front of <see cref="GridGainAuthService"/>. Refusals are RFC 7807 problem bodies.
/// </summary>
internal static class GridGainEndpoints
{
    private const string JwtMediaType = "application/jwt";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var app = routes.MapGroup(string.Empty).WithErrorStyle(ErrorStyle.Problem);
        app.MapPost("/management/v1/authentication/login", LoginAsync).AllowAnonymous().RefuseCrossSite();
        app.MapDelete("/management/v1/authentication/jwt", RevokeUserAsync).RequireAuthorization(BuiltInPolicies.GridGain.Name).RefuseCrossSite();
        app.MapDelete("/management/v1/authentication/jwt/{token}", RevokeTokenAsync).RequireAuthorization(BuiltInPolicies.GridGain.Name).RefuseCrossSite();
    }

    /// <summary><c>POST /management/v1/authentication/login</c> <c>{"username","password"}</c>.</summary>
    private static async Task LoginAsync(HttpContext context, GridGainAuthService service)
    {
        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        string? username = null;
        string? password = null;
        if (error is null && (!RequestJson.TryGetString(body, "username", out username) || !RequestJson.TryGetString(body, "password", out password)
            || string.IsNullOrEmpty(username) || password is null))
        {
            error = "the body must be {\"username\": \"...\", \"password\": \"...\"}";
        }

        if (error is not null)
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, error));
            return;
        }

        var login = await service.LoginAsync(username!, password!, context.Connection.RemoteIpAddress, context.RequestAborted);
        if (!login.Succeeded)
        {
            await RefuseAsync(context, login.Refusal);
            return;
        }

        var issued = login.Value!;
        context.Response.Headers.CacheControl = "no-store";
        if (PrefersJson(context.Request))
        {
            await context.Response.WriteAsJsonAsync(new
            {
                token = issued.Token,
                tokenType = "Bearer",
                expiresIn = (long)service.Ttl.TotalSeconds,
                expiresAt = issued.ExpiresAt!.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            }, RestppResults.Json, context.RequestAborted);
            return;
        }

        context.Response.ContentType = JwtMediaType;
        await context.Response.WriteAsync(issued.Token, context.RequestAborted);
    }

    /// <summary><c>DELETE /management/v1/authentication/jwt?username=NAME</c>: every token issued to NAME.</summary>
    private static async Task RevokeUserAsync(HttpContext context, GridGainAuthService service)
    {
        var username = context.Request.Query["username"].ToString();
        if (string.IsNullOrEmpty(username))
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, "give the user whose tokens to revoke as ?username=NAME"));
            return;
        }

        var revoked = await service.RevokeUserAsync(CallerIdentity.From(context.User)!, username, context.RequestAborted);
        if (!revoked.Succeeded)
        {
            await RefuseAsync(context, revoked.Refusal);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary><c>DELETE /management/v1/authentication/jwt/{token}</c>: one token.</summary>
    private static async Task RevokeTokenAsync(HttpContext context, GridGainAuthService service, string token)
    {
        var revoked = await service.RevokeTokenAsync(CallerIdentity.From(context.User)!, token.Trim(), context.RequestAborted);
        if (!revoked.Succeeded)
        {
            await RefuseAsync(context, revoked.Refusal);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>GridGain answers <c>application/jwt</c> unless the client prefers JSON.</summary>
    private static bool PrefersJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        var best = accept.OrderByDescending(a => a.Quality ?? 1).First(a => a.MediaType.HasValue);
        return best.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (best.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal);
}
