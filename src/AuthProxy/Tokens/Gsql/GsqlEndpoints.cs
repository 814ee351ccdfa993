using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Policy;
using AuthProxy.Storage;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// TigerGraph's GSQL token service, as TigerGraph 4 serves it and pyTigerGraph calls it: tokens
/// (create, drop into a block list, check) and secrets. Bodies are RESTPP-style.
/// </summary>
internal static partial class GsqlEndpoints
{
    public const string ManageAccessTokens = "MANAGE_ACCESS_TOKENS";

    /// <summary>The longest lifetime a token may ask for: 10 years, in milliseconds.</summary>
    private const long MaxLifetimeMs = 315_360_000_000;

    private const string SecretAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static void Map(IEndpointRouteBuilder app)
    {
        var policy = BuiltInPolicies.Gsql.Name;
        app.MapPost("/gsql/v1/tokens", CreateTokenAsync).AllowAnonymous();
        app.MapDelete("/gsql/v1/tokens", DropTokensAsync).RequireAuthorization(policy);
        app.MapPost("/gsql/v1/tokens/check", CheckTokenAsync).AllowAnonymous();
        app.MapPost("/gsql/v1/secrets", CreateSecretAsync).RequireAuthorization(policy);
        app.MapGet("/gsql/v1/secrets", ListSecretsAsync).RequireAuthorization(policy);
        app.MapGet("/gsql/v1/secrets/{alias}", GetSecretAsync).RequireAuthorization(policy);
        app.MapDelete("/gsql/v1/secrets/{alias}", DropSecretAsync).RequireAuthorization(policy);
        app.MapDelete("/gsql/v1/secrets", DropSecretsAsync).RequireAuthorization(policy);
    }

    /// <summary><c>POST /gsql/v1/tokens</c> <c>{"secret"?, "graph"?, "lifetime"?}</c>.</summary>
    private static async Task CreateTokenAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null)
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, error);
            return;
        }

        if (!RequestJson.TryGetString(body, "secret", out var secret) || !RequestJson.TryGetString(body, "graph", out var graph))
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, "secret and graph must be strings");
            return;
        }

        var options = services.GetRequiredService<IOptions<GsqlTokenOptions>>().Value;
        if (!TryReadLifetime(body, options.DefaultLifetime, out var lifetime))
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, $"lifetime must be a number of milliseconds from 1 to {MaxLifetimeMs} (a number or a numeric string)");
            return;
        }

        graph = string.IsNullOrEmpty(graph) ? null : graph;
        User user;
        if (!string.IsNullOrEmpty(secret))
        {
            // With a secret no login is needed; an Authorization header beside it is ignored.
            var (owner, refusal) = await UserOfSecretAsync(context, secret);
            if (owner is null)
            {
                await RefusalWriter.WriteAsync(context, refusal, ErrorStyle.Restpp);
                return;
            }

            user = owner;
        }
        else
        {
            var (caller, refusal) = await CallerAuthentication.AuthenticateAsync(context, BuiltInPolicies.Gsql);
            if (caller is null)
            {
                await RefusalWriter.WriteAsync(context, refusal, ErrorStyle.Restpp, BuiltInPolicies.Gsql.Challenges);
                return;
            }

            if (caller.TokenGraph is not null && !string.Equals(graph, caller.TokenGraph, StringComparison.Ordinal))
            {
                await RefuseAsync(context, RefusalKind.GraphScope,
                    $"Access Denied because a token scoped to graph {Denials.Show(caller.TokenGraph)} can only create tokens for that graph");
                return;
            }

            user = caller.User;
        }

        if (graph is not null && !user.HasAccessTo(graph))
        {
            await RefuseAsync(context, RefusalKind.GraphScope, $"Access Denied because user {user.Name} has no access to graph {Denials.Show(graph)}");
            return;
        }

        var issued = await services.GetRequiredService<TokenIssuer>().IssueAsync(
            new TokenRequest(user.Name, TokenFamily.Gsql, graph, TimeSpan.FromMilliseconds(lifetime)), context.RequestAborted);
        await RestppResults.WriteAsync(context, new
        {
            expiration = FormatTime(issued.ExpiresAt!.Value),
            error = false,
            message = "Generate new JWT token successfully.",
            token = issued.Token,
        });
    }

    /// <summary><c>DELETE /gsql/v1/tokens</c> with <c>{"tokens":"t1, t2"}</c>, or <c>?clear=true</c>.</summary>
    private static async Task DropTokensAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var caller = CallerIdentity.From(context.User)!;
        var revoker = services.GetRequiredService<TokenRevoker>();
        if (string.Equals(context.Request.Query["clear"], "true", StringComparison.OrdinalIgnoreCase))
        {
            var cleared = await revoker.ClearAsync(caller.User.Name, context.RequestAborted);
            await RestppResults.OkAsync(context, $"Clear the token block list of user {caller.User.Name} successfully ({cleared} token(s) removed).");
            return;
        }

        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        var tokens = error is null ? ReadTokenList(body) : null;
        if (tokens is null || tokens.Count == 0)
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, error ?? "give the tokens to drop as {\"tokens\":\"t1, t2\"} or an array, or clear the block list with ?clear=true");
            return;
        }

        var validator = services.GetRequiredService<TokenValidator>();
        var entries = new List<BlockedToken>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var validation = await validator.ValidateAsync(tokens[i], context.RequestAborted);
            if (!validation.Succeeded)
            {
                if (validation.Refusal.Kind is RefusalKind.Expired or RefusalKind.Revoked)
                {
                    continue; // already unusable: nothing to block
                }

                await RefuseAsync(context, RefusalKind.InvalidRequest, $"token {i + 1} cannot be dropped: {validation.Refusal.Message}. Nothing was dropped.");
                return;
            }

            if (!string.Equals(validation.Caller!.User.Name, caller.User.Name, StringComparison.Ordinal))
            {
                await RefuseAsync(context, RefusalKind.Privilege,
                    $"Access Denied because token {i + 1} ({validation.Caller.MaskedCredential}) belongs to another user; only your own tokens can be dropped. Nothing was dropped.");
                return;
            }

            entries.Add(new BlockedToken(caller.User.Name, TokenHash.Of(tokens[i]).ToString(), validation.Caller.ExpiresAt ?? DateTimeOffset.MaxValue));
        }

        var limit = services.GetRequiredService<IOptions<GsqlTokenOptions>>().Value.DropLimit;
        var outcome = await revoker.BlockAsync(caller.User.Name, entries, limit, context.RequestAborted);
        if (!outcome.Added)
        {
            await RefuseAsync(context, RefusalKind.LimitExceeded,
                $"The token block list holds at most {limit} tokens (GSQL:Token:DropLimit); dropping these would make {outcome.Count}. Nothing was dropped: clear the list with ?clear=true or wait for blocked tokens to expire.");
            return;
        }

        await RestppResults.OkAsync(context, $"Drop {entries.Count} JWT token(s) successfully.");
    }

    /// <summary><c>POST /gsql/v1/tokens/check</c> <c>{"token"}</c>: whether a token AuthProxy issued is valid.</summary>
    private static async Task CheckTokenAsync(HttpContext context)
    {
        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null || !RequestJson.TryGetString(body, "token", out var token) || string.IsNullOrWhiteSpace(token))
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, error ?? "give the token to check as {\"token\":\"...\"}");
            return;
        }

        var validation = await context.RequestServices.GetRequiredService<TokenValidator>().ValidateAsync(token.Trim(), context.RequestAborted);
        var refusal = validation.Refusal;
        if (validation.Succeeded)
        {
            var caller = validation.Caller!;
            if (caller.Issuer is { IsAuthProxy: true })
            {
                await RestppResults.OkAsync(context, "Token is valid.", new
                {
                    user = caller.User.Name,
                    graph = caller.TokenGraph,
                    expiration = caller.ExpiresAt is { } expires ? FormatTime(expires) : null,
                });
                return;
            }

            refusal = Denials.Token(RefusalKind.Issuer, caller.MaskedCredential, "was not issued by AuthProxy");
        }

        // The check itself succeeded; the answer is that the token is not valid.
        await RestppResults.WriteAsync(context, new { error = true, message = refusal.Message, code = refusal.Code, reason = refusal.Reason });
    }

    /// <summary><c>POST /gsql/v1/secrets?alias=A[&amp;value=V][&amp;userName=U]</c>.</summary>
    private static async Task CreateSecretAsync(HttpContext context)
    {
        if (await TargetUserAsync(context) is not { } target)
        {
            return;
        }

        var alias = context.Request.Query["alias"].ToString();
        if (string.IsNullOrEmpty(alias))
        {
            alias = "AUTO_GENERATED_ALIAS_" + RandomNumberGenerator.GetString(SecretAlphabet, 7);
        }
        else if (!AliasPattern().IsMatch(alias))
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, "an alias is 1 to 128 letters, digits, '_', '-' or '.'");
            return;
        }

        var value = context.Request.Query["value"].ToString();
        if (string.IsNullOrEmpty(value))
        {
            value = RandomNumberGenerator.GetString(SecretAlphabet, 32);
        }
        else if (value.Length is < 16 or > 256)
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, "a secret value must be 16 to 256 characters");
            return;
        }

        var services = context.RequestServices;
        var store = services.GetRequiredService<IAuthProxyStore>();
        if (await store.FindSecretAsync(target.Name, alias, context.RequestAborted) is not null)
        {
            await RefuseAsync(context, RefusalKind.Conflict, $"user {target.Name} already has a secret with alias {alias}");
            return;
        }

        var secret = new StoredSecret(target.Name, alias, services.GetRequiredService<SecretHasher>().Hash(value), Mask(value),
            services.GetRequiredService<TimeProvider>().GetUtcNow());
        if (!await store.AddSecretAsync(secret, context.RequestAborted))
        {
            await RefuseAsync(context, RefusalKind.Conflict, "that secret value is already in use; choose another or let AuthProxy generate one");
            return;
        }

        // The value is shown this once; only its hash is kept.
        await RestppResults.OkAsync(context, $"Secret {alias} created successfully for user {target.Name}.", new { alias, value });
    }

    /// <summary><c>GET /gsql/v1/secrets[?userName=U]</c>: every secret, values masked.</summary>
    private static async Task ListSecretsAsync(HttpContext context)
    {
        if (await TargetUserAsync(context) is not { } target)
        {
            return;
        }

        var secrets = await context.RequestServices.GetRequiredService<IAuthProxyStore>().ListSecretsAsync(target.Name, context.RequestAborted);
        await RestppResults.OkAsync(context, string.Empty, secrets.Select(s => new { alias = s.Alias, value = s.Masked }).ToList());
    }

    /// <summary><c>GET /gsql/v1/secrets/{alias}</c>: one secret, value masked.</summary>
    private static async Task GetSecretAsync(HttpContext context)
    {
        if (await TargetUserAsync(context) is not { } target)
        {
            return;
        }

        var alias = (string)context.Request.RouteValues["alias"]!;
        var secret = await context.RequestServices.GetRequiredService<IAuthProxyStore>().FindSecretAsync(target.Name, alias, context.RequestAborted);
        if (secret is null)
        {
            await RefuseAsync(context, RefusalKind.NotFound, $"user {target.Name} has no secret with alias {Denials.Show(alias)}");
            return;
        }

        await RestppResults.OkAsync(context, string.Empty, new { alias = secret.Alias, value = secret.Masked });
    }

    /// <summary><c>DELETE /gsql/v1/secrets/{alias}</c>: one secret, named by alias or value.</summary>
    private static async Task DropSecretAsync(HttpContext context)
    {
        if (await TargetUserAsync(context) is not { } target)
        {
            return;
        }

        await DropAsync(context, target, [(string)context.Request.RouteValues["alias"]!]);
    }

    /// <summary><c>DELETE /gsql/v1/secrets[?userName=U]</c> with <c>{"secrets":[...]}</c>: several, all or none.</summary>
    private static async Task DropSecretsAsync(HttpContext context)
    {
        if (await TargetUserAsync(context) is not { } target)
        {
            return;
        }

        var (body, error) = await RequestJson.ReadObjectAsync(context.Request, context.RequestAborted);
        if (error is not null || !body.TryGetProperty("secrets", out var list) || list.ValueKind != JsonValueKind.Array
            || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String) || list.GetArrayLength() == 0)
        {
            await RefuseAsync(context, RefusalKind.InvalidRequest, error ?? "give the secrets to drop as {\"secrets\":[\"alias or value\", ...]}");
            return;
        }

        await DropAsync(context, target, [.. list.EnumerateArray().Select(e => e.GetString()!)]);
    }

    private static async Task DropAsync(HttpContext context, User target, IReadOnlyList<string> items)
    {
        var services = context.RequestServices;
        var store = services.GetRequiredService<IAuthProxyStore>();
        var hasher = services.GetRequiredService<SecretHasher>();
        var aliases = new List<string>();
        var missing = new List<string>();
        foreach (var item in items)
        {
            var secret = await store.FindSecretAsync(target.Name, item, context.RequestAborted);
            if (secret is null && await store.FindSecretByHashAsync(hasher.Hash(item), context.RequestAborted) is { } byValue && byValue.User == target.Name)
            {
                secret = byValue;
            }

            if (secret is null)
            {
                missing.Add(TokenMask.Mask(item) is { Length: > 0 } masked && masked != "****" ? masked : Denials.Show(item));
            }
            else
            {
                aliases.Add(secret.Alias);
            }
        }

        if (missing.Count > 0)
        {
            await RefuseAsync(context, RefusalKind.NotFound, $"user {target.Name} has no secret named {string.Join(", ", missing)} (by alias or value); nothing was dropped");
            return;
        }

        var dropped = await store.DeleteSecretsAsync(target.Name, aliases, [], context.RequestAborted);
        await RestppResults.OkAsync(context, $"Drop {dropped.Count} secret(s) of user {target.Name} successfully: {string.Join(", ", dropped)}.");
    }

    /// <summary>The caller, or the user named by <c>userName</c> when the caller holds MANAGE_ACCESS_TOKENS; writes the refusal otherwise.</summary>
    private static async Task<User?> TargetUserAsync(HttpContext context)
    {
        var caller = CallerIdentity.From(context.User)!;
        var name = context.Request.Query["userName"].ToString();
        if (string.IsNullOrEmpty(name) || string.Equals(name, caller.User.Name, StringComparison.Ordinal))
        {
            return caller.User;
        }

        if (!caller.User.Holds(ManageAccessTokens, null, caller.TokenGraph is not null))
        {
            await RefuseAsync(context, RefusalKind.Privilege, $"Access Denied because user {caller.User.Name} lacks {ManageAccessTokens}, needed to act for user {Denials.Show(name)}");
            return null;
        }

        if (!context.RequestServices.GetRequiredService<UserDirectory>().TryFind(name, out var target))
        {
            await RefuseAsync(context, RefusalKind.NotFound, $"user {Denials.Show(name)} does not exist");
            return null;
        }

        return target;
    }

    private static async Task<(User? User, Refusal Refusal)> UserOfSecretAsync(HttpContext context, string secret)
    {
        var services = context.RequestServices;
        var throttle = services.GetRequiredService<LoginThrottle>();
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (throttle.IsThrottled(null, address))
        {
            return (null, Denials.Throttled(throttle.RetryAfter));
        }

        var hash = services.GetRequiredService<SecretHasher>().Hash(secret);
        var stored = await services.GetRequiredService<IAuthProxyStore>().FindSecretByHashAsync(hash, context.RequestAborted);
        if (stored is null)
        {
            throttle.RecordFailure(null, address);
            return (null, Denials.Because(RefusalKind.Verification, "the secret is invalid"));
        }

        return services.GetRequiredService<UserDirectory>().TryFind(stored.User, out var user)
            ? (user, default)
            : (null, Denials.Because(RefusalKind.UnknownUser, $"the secret's user {stored.User} no longer exists"));
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

        if (!double.IsFinite(value) || value < 1 || value > MaxLifetimeMs)
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

    /// <summary>How TigerGraph 4 writes an expiration: UTC, <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>TigerGraph's masked form of a secret: the first 3 characters, <c>****</c>, the last 3.</summary>
    private static string Mask(string secret) => secret[..3] + "****" + secret[^3..];

    private static Task RefuseAsync(HttpContext context, RefusalKind kind, string message) =>
        RefusalWriter.WriteAsync(context, new Refusal(kind, message), ErrorStyle.Restpp);

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,128}$")]
    private static partial Regex AliasPattern();
}
