using System.Globalization;
using System.Text.Json;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Users;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// <c>/gsql/v1/tokens</c>: the HTTP shapes (bodies, query parameters, RESTPP-style answers) in
/// front of <see cref="GsqlTokenService"/>. <see cref="GsqlEndpoints"/> maps them.
/// </summary>
internal static class GsqlTokenEndpoints
{
    /// <summary><c>POST /gsql/v1/tokens</c> <c>{"secret"?, "graph"?, "lifetime"?}</c>.</summary>
    internal static async Task CreateTokenAsync(HttpContext context, GsqlTokenService tokens)
    {
        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null)
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, error));
            return;
        }

        if (!RequestJson.TryGetString(body, "secret", out var secret) || !RequestJson.TryGetString(body, "graph", out var graph))
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, "secret and graph must be strings"));
            return;
        }

        if (!TryReadLifetime(body, tokens.DefaultLifetime, out var lifetime))
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest,
                $"lifetime must be a number of milliseconds from 1 to {tokens.MaxLifetime} (a number or a numeric string)"));
            return;
        }

        User user;
        CallerIdentity? asker = null;
        if (!string.IsNullOrEmpty(secret))
        {
            // With a secret no login is needed; an Authorization header beside it is ignored.
            var owner = await tokens.UserOfSecretAsync(secret, context.Connection.RemoteIpAddress, context.RequestAborted);
            if (!owner.Succeeded)
            {
                await RefuseAsync(context, owner.Refusal);
                return;
            }

            user = owner.Value!;
        }
        else
        {
            var (caller, refusal) = await CallerAuthentication.AuthenticateAsync(context, BuiltInPolicies.Gsql);
            if (caller is null)
            {
                await RefusalWriter.WriteAsync(context, refusal, BuiltInPolicies.Gsql.Challenges);
                return;
            }

            if (GsqlTokenService.RefuseMinting(caller) is { } scoped)
            {
                await RefuseAsync(context, scoped);
                return;
            }

            user = caller.User;
            asker = caller;
        }

        var created = await tokens.CreateAsync(user, asker, string.IsNullOrEmpty(graph) ? null : graph, lifetime, context.RequestAborted);
        if (!created.Succeeded)
        {
            await RefuseAsync(context, created.Refusal);
            return;
        }

        await RestppResults.WriteAsync(context, new
        {
            expiration = GsqlTokenService.FormatTime(created.Value!.ExpiresAt!.Value),
            error = false,
            message = "Generate new JWT token successfully.",
            token = created.Value.Token,
        });
    }

    /// <summary><c>DELETE /gsql/v1/tokens</c> with <c>{"tokens":"t1, t2"}</c>, or <c>?clear=true</c>.</summary>
    internal static async Task DropTokensAsync(HttpContext context, GsqlTokenService tokens)
    {
        var caller = CallerIdentity.From(context.User)!;
        if (string.Equals(context.Request.Query["clear"], "true", StringComparison.OrdinalIgnoreCase))
        {
            var cleared = await tokens.ClearAsync(caller, context.RequestAborted);
            await (cleared.Succeeded
                ? RestppResults.OkAsync(context, $"Clear the token block list of user {caller.User.Name} successfully ({cleared.Value} token(s) removed).")
                : RefuseAsync(context, cleared.Refusal));
            return;
        }

        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        var list = error is null ? ReadTokenList(body) : null;
        if (list is null || list.Count == 0)
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest,
                error ?? "give the tokens to drop as {\"tokens\":\"t1, t2\"} or an array, or clear the block list with ?clear=true"));
            return;
        }

        var dropped = await tokens.DropAsync(caller, list, context.RequestAborted);
        await (dropped.Succeeded
            ? RestppResults.OkAsync(context, $"Drop {dropped.Value} JWT token(s) successfully.")
            : RefuseAsync(context, dropped.Refusal));
    }

    /// <summary><c>POST /gsql/v1/tokens/check</c> <c>{"token"}</c>: whether a token AuthProxy issued is valid.</summary>
    internal static async Task CheckTokenAsync(HttpContext context, GsqlTokenService tokens)
    {
        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null || !RequestJson.TryGetString(body, "token", out var token) || string.IsNullOrWhiteSpace(token))
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, error ?? "give the token to check as {\"token\":\"...\"}"));
            return;
        }

        var outcome = await tokens.CheckAsync(token.Trim(), context.Connection.RemoteIpAddress, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            await RefuseAsync(context, outcome.Refusal); // throttled
            return;
        }

        if (outcome.Value.Caller is { } caller)
        {
            await RestppResults.OkAsync(context, "Token is valid.", new
            {
                user = caller.User.Name,
                graph = caller.TokenGraph,
                expiration = caller.ExpiresAt is { } expires ? GsqlTokenService.FormatTime(expires) : null,
            });
            return;
        }

        // The check itself succeeded; the answer is that the token is not valid.
        var refusal = outcome.Value.Refusal;
        await RestppResults.WriteAsync(context, new { error = true, message = refusal.Message, code = refusal.Code, reason = refusal.Reason });
    }

    private static bool TryReadLifetime(JsonElement body, long defaultMs, out long lifetimeMs)
    {
        lifetimeMs = defaultMs;
        if (!body.TryGetProperty("lifetime", out var element) || element.ValueKind == JsonValueKind.Null
            || (element.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(element.GetString())))
        {
            return true;
        }

        double value;
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDouble();
        }
        else if (element.ValueKind != JsonValueKind.String
            || !double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        // Beyond the maximum is a clear refusal of its own (the service names the cap); a number no
        // lifetime could be is a malformed request.
        if (!double.IsFinite(value) || value < 1 || value > long.MaxValue / 2)
        {
            return false;
        }

        lifetimeMs = (long)value;
        return true;
    }

    private static List<string>? ReadTokenList(JsonElement body)
    {
        if (!body.TryGetProperty("tokens", out var tokens))
        {
            return null;
        }

        IEnumerable<string?> items = tokens.ValueKind switch
        {
            JsonValueKind.String => tokens.GetString()!.Split(','),
            JsonValueKind.Array when tokens.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) => tokens.EnumerateArray().Select(t => t.GetString()),
            _ => [],
        };
        return items.Select(t => t?.Trim()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).Distinct(StringComparer.Ordinal).ToList();
    }

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal);
}
