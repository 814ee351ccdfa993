using System.Text.Json;
using AuthProxy.Authentication;
using AuthProxy.Errors;
using AuthProxy.Users;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// <c>/gsql/v1/secrets</c>: the HTTP shapes (query parameters, bodies, RESTPP-style answers) in
/// front of <see cref="GsqlSecretService"/>. <see cref="GsqlEndpoints"/> maps them.
/// </summary>
internal static class GsqlSecretEndpoints
{
    /// <summary><c>POST /gsql/v1/secrets?alias=A[&amp;value=V][&amp;userName=U]</c>.</summary>
    internal static async Task CreateSecretAsync(HttpContext context, GsqlSecretService secrets)
    {
        var caller = CallerIdentity.From(context.User)!;
        if (await TargetAsync(context, secrets, caller) is not { } target)
        {
            return;
        }

        var query = context.Request.Query;
        var created = await secrets.CreateAsync(caller, target, query["alias"].ToString(), query["value"].ToString(),
            context.Connection.RemoteIpAddress, context.RequestAborted);
        if (!created.Succeeded)
        {
            await RefuseAsync(context, created.Refusal);
            return;
        }

        // The value is shown this once; only its hash is kept.
        var secret = created.Value!;
        await RestppResults.OkAsync(context, $"Secret {secret.Alias} created successfully for user {target.Name}.", new { alias = secret.Alias, value = secret.Value });
    }

    /// <summary><c>GET /gsql/v1/secrets[?userName=U]</c>: every secret, values masked.</summary>
    internal static async Task ListSecretsAsync(HttpContext context, GsqlSecretService secrets)
    {
        if (await TargetAsync(context, secrets, CallerIdentity.From(context.User)!) is not { } target)
        {
            return;
        }

        var list = await secrets.ListAsync(target, context.RequestAborted);
        await RestppResults.OkAsync(context, string.Empty, list.Select(s => new { alias = s.Alias, value = s.Masked }).ToList());
    }

    /// <summary><c>GET /gsql/v1/secrets/{alias}</c>: one secret, value masked.</summary>
    internal static async Task GetSecretAsync(HttpContext context, GsqlSecretService secrets, string alias)
    {
        if (await TargetAsync(context, secrets, CallerIdentity.From(context.User)!) is not { } target)
        {
            return;
        }

        var found = await secrets.GetAsync(target, alias, context.RequestAborted);
        await (found.Succeeded
            ? RestppResults.OkAsync(context, string.Empty, new { alias = found.Value!.Alias, value = found.Value.Masked })
            : RefuseAsync(context, found.Refusal));
    }

    /// <summary><c>DELETE /gsql/v1/secrets/{alias}</c>: one secret, named by alias or value.</summary>
    internal static async Task DropSecretAsync(HttpContext context, GsqlSecretService secrets, string alias)
    {
        if (await TargetAsync(context, secrets, CallerIdentity.From(context.User)!) is not { } target)
        {
            return;
        }

        await DropAsync(context, secrets, target, [alias]);
    }

    /// <summary><c>DELETE /gsql/v1/secrets[?userName=U]</c> with <c>{"secrets":[...]}</c>: several, all or none.</summary>
    internal static async Task DropSecretsAsync(HttpContext context, GsqlSecretService secrets)
    {
        if (await TargetAsync(context, secrets, CallerIdentity.From(context.User)!) is not { } target)
        {
            return;
        }

        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null || !body.TryGetProperty("secrets", out var list) || list.ValueKind != JsonValueKind.Array
            || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) || list.GetArrayLength() == 0)
        {
            await RefuseAsync(context, new Refusal(RefusalKind.InvalidRequest, error ?? "give the secrets to drop as {\"secrets\":[\"alias or value\", ...]}"));
            return;
        }

        await DropAsync(context, secrets, target, [.. list.EnumerateArray().Select(e => e.GetString()!)]);
    }

    private static async Task DropAsync(HttpContext context, GsqlSecretService secrets, User target, IReadOnlyList<string> items)
    {
        var dropped = await secrets.DropAsync(target, items, context.RequestAborted);
        await (dropped.Succeeded
            ? RestppResults.OkAsync(context, $"Drop {dropped.Value!.Count} secret(s) of user {target.Name} successfully: {string.Join(", ", dropped.Value)}.")
            : RefuseAsync(context, dropped.Refusal));
    }

    private static async Task<User?> TargetAsync(HttpContext context, GsqlSecretService secrets, CallerIdentity caller)
    {
        var target = secrets.Target(caller, context.Request.Query["userName"].ToString());
        if (target.Succeeded)
        {
            return target.Value;
        }

        await RefuseAsync(context, target.Refusal);
        return null;
    }

    private static Task RefuseAsync(HttpContext context, Refusal refusal) => RefusalWriter.WriteAsync(context, refusal);
}
