using System.Globalization;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Storage;
using AuthProxy.Tokens.Gsql;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.GridGain;

/// <summary>
/// GridGain 9's REST authentication: login for a JWT, and revocation of every token of a user or
/// of one token. Refusals are RFC 7807 problem bodies.
/// </summary>
internal static class GridGainEndpoints
{
    private const string JwtMediaType = "application/jwt";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/management/v1/authentication/login", LoginAsync).AllowAnonymous();
        app.MapDelete("/management/v1/authentication/jwt", RevokeUserAsync).RequireAuthorization(BuiltInPolicies.GridGain.Name);
        app.MapDelete("/management/v1/authentication/jwt/{token}", RevokeTokenAsync).RequireAuthorization(BuiltInPolicies.GridGain.Name);
    }

    /// <summary><c>POST /management/v1/authentication/login</c> <c>{"username","password"}</c>.</summary>
    private static async Task LoginAsync(HttpContext context)
    {
        var services = context.RequestServices;
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

        var throttle = services.GetRequiredService<LoginThrottle>();
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (throttle.IsThrottled(username, address))
        {
            await RefuseAsync(context, Denials.Throttled(throttle.RetryAfter));
            return;
        }

        if (!services.GetRequiredService<PasswordVerifier>().Verify(username!, password!, out var user))
        {
            throttle.RecordFailure(username, address);
            await RefuseAsync(context, Denials.BadPassword);
            return;
        }

        var ttl = TimeSpan.FromMilliseconds(services.GetRequiredService<IOptions<JwtOptions>>().Value.Ttl);
        var issued = await services.GetRequiredService<TokenIssuer>().IssueAsync(new TokenRequest(user!.Name, TokenFamily.GridGain, null, ttl), context.RequestAborted);

        context.Response.Headers.CacheControl = "no-store";
        if (PrefersJson(context.Request))
        {
            await context.Response.WriteAsJsonAsync(new
            {
                token = issued.Token,
                tokenType = "Bearer",
                expiresIn = (long)ttl.TotalSeconds,
                expiresAt = issued.ExpiresAt!.Value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            }, RestppResults.Json, context.RequestAborted);
            return;
        }

        context.Response.ContentType = JwtMediaType;
        await context.Response.WriteAsync(issued.Token, context.RequestAborted);
    }

    /// <summary><c>DELETE /management/v1/authentication/jwt?username=NAME</c>: every token issued to NAME.</summary>
    private static async Task RevokeUserAsync(HttpContext context)
    {
        var caller = CallerIdentity.From(context.User)!;
        var username = context.Request.Query["username"].ToString();
        if (string.IsNullOrEmpty(username))
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, "give the user whose tokens to revoke as ?username=NAME"));
            return;
        }

        if (!MayActFor(caller, username))
        {
            await RefuseAsync(context, Denials.Because(RefusalKind.Privilege,
                $"user {caller.User.Name} lacks {GsqlEndpoints.ManageAccessTokens}, needed to revoke the tokens of user {Denials.Show(username)}"));
            return;
        }

        await context.RequestServices.GetRequiredService<TokenRevoker>().RevokeUserAsync(username, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary><c>DELETE /management/v1/authentication/jwt/{token}</c>: one token.</summary>
    private static async Task RevokeTokenAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var caller = CallerIdentity.From(context.User)!;
        var token = ((string)context.Request.RouteValues["token"]!).Trim();
        var validation = await services.GetRequiredService<TokenValidator>().ValidateAsync(token, context.RequestAborted);
        if (!validation.Succeeded)
        {
            if (validation.Refusal.Kind is RefusalKind.Expired or RefusalKind.Revoked)
            {
                context.Response.StatusCode = StatusCodes.Status200OK; // already unusable
                return;
            }

            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, $"the token cannot be revoked: {validation.Refusal.Message}"));
            return;
        }

        var owner = validation.Caller!;
        if (!MayActFor(caller, owner.User.Name))
        {
            await RefuseAsync(context, Denials.Because(RefusalKind.Privilege,
                $"user {caller.User.Name} lacks {GsqlEndpoints.ManageAccessTokens}, needed to revoke a token of user {owner.User.Name}"));
            return;
        }

        var hash = TokenHash.Of(token).ToString();
        var record = await services.GetRequiredService<IAuthProxyStore>().FindIssuedTokenAsync(hash, context.RequestAborted);
        await services.GetRequiredService<TokenRevoker>().RevokeAsync(hash, owner.ExpiresAt, record?.Family, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static bool MayActFor(CallerIdentity caller, string user) =>
        string.Equals(caller.User.Name, user, StringComparison.Ordinal)
        || caller.User.Holds(GsqlEndpoints.ManageAccessTokens, null, caller.TokenGraph is not null);

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

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal, ErrorStyle.Problem);
}
