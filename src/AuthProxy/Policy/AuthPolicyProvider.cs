using AuthProxy.Errors;
using AuthProxy.Routing;
using AuthProxy.Telemetry;
using Microsoft.AspNetCore.Authorization;

namespace AuthProxy.Policy;

/// <summary>
/// Serves the policies of the routes file in force. A name it does not know gets a policy that
/// refuses everything: a route can never end up less protected than its file says.
/// </summary>
internal sealed partial class AuthPolicyProvider : IAuthorizationPolicyProvider
{
    private readonly ActiveRoutes _routes;
    private readonly ILogger<AuthPolicyProvider> _logger;

    public AuthPolicyProvider(ActiveRoutes routes, ILogger<AuthPolicyProvider> logger)
    {
        _routes = routes;
        _logger = logger;
    }

    /// <summary>
    /// Policies are cached per endpoint by ASP.NET Core; every routes reload changes the route
    /// configs (see <see cref="RoutesSnapshot"/>), so YARP rebuilds the endpoints and the cache.
    /// </summary>
    public bool AllowsCachingPolicies => true;

    public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        // YARP maps these two names itself (AllowAnonymous, the default policy) and refuses
        // routes whose reserved name also resolves to a registered policy.
        if (IsReserved(policyName))
        {
            return Task.FromResult<AuthorizationPolicy?>(null);
        }

        if (BuiltInPolicies.All.TryGetValue(policyName, out var builtIn))
        {
            return Task.FromResult<AuthorizationPolicy?>(builtIn.Policy);
        }

        if (FromRoutesFile(policyName) is { } definition)
        {
            return Task.FromResult<AuthorizationPolicy?>(definition.Policy);
        }

        Log.UnknownPolicy(_logger, policyName);
        return Task.FromResult<AuthorizationPolicy?>(DenyAll.Policy);
    }

    /// <summary>
    /// The routes file's policy that <see cref="GetPolicyAsync"/> serves for <paramref name="policyName"/>
    /// (<see cref="GetDefaultPolicyAsync"/>'s for null, the name YARP gives <c>default</c>); null for
    /// <c>anonymous</c>, a built-in policy or a name the file in force does not define.
    /// </summary>
    internal AuthPolicyDefinition? FromRoutesFile(string? policyName)
    {
        var snapshot = _routes.Current;
        if (policyName is null)
        {
            return snapshot.DefaultPolicy;
        }

        if (snapshot.Answers.TryGetValue(policyName, out var answer))
        {
            return answer.Definition; // asked with this endpoint's name before, against this version
        }

        var definition = IsReserved(policyName) || BuiltInPolicies.All.ContainsKey(policyName) || !snapshot.Policies.TryGetValue(policyName, out var found)
            ? null
            : found;
        snapshot.Answers.AddOrUpdate(policyName, new PolicyAnswer(definition));
        return definition;
    }

    /// <summary>The two names YARP maps itself (AllowAnonymous, the default policy).</summary>
    private static bool IsReserved(string policyName) =>
        string.Equals(policyName, PolicyNames.Anonymous, StringComparison.OrdinalIgnoreCase)
        || string.Equals(policyName, PolicyNames.Default, StringComparison.OrdinalIgnoreCase);

    public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => Task.FromResult(_routes.Current.DefaultPolicy.Policy);

    public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() => Task.FromResult<AuthorizationPolicy?>(null);

    /// <summary>The refusal of a route whose policy is not defined.</summary>
    public static readonly Refusal UndefinedPolicy = Denials.Because(RefusalKind.Other, "the route's policy is not defined");

    /// <summary>Whether <paramref name="policy"/> is the stand-in for an undefined policy name.</summary>
    public static bool IsUndefined(AuthorizationPolicy policy) => ReferenceEquals(policy, DenyAll.Policy);

    /// <summary>Refuses every request; stands in for a policy name that is not (or no longer) defined.</summary>
    private sealed class DenyAll : AuthorizationHandler<DenyAll>, IAuthorizationRequirement
    {
        public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder().AddRequirements(new DenyAll()).Build();

        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DenyAll requirement)
        {
            context.Fail(new RefusalReason(this, UndefinedPolicy));
            return Task.CompletedTask;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.UnknownPolicy, Level = LogLevel.Error, Message = "Authorization policy {Policy} is not defined; requests on its routes are refused")]
        public static partial void UnknownPolicy(ILogger logger, string policy);
    }
}
