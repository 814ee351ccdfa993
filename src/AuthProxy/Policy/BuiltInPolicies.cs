using System.Collections.Frozen;
using AuthProxy.Authentication;
using AuthProxy.Errors;

namespace AuthProxy.Policy;

/// <summary>
/// The policies of AuthProxy's own endpoints (token services). Their names start with
/// <c>authproxy:</c>, which the routes file may not use.
/// </summary>
internal static class BuiltInPolicies
{
    public const string Prefix = "authproxy:";

    /// <summary>TigerGraph's GSQL token and secret services: any credential, RESTPP bodies.</summary>
    public static readonly AuthPolicyDefinition Gsql = new(Prefix + "gsql", [AuthSchemes.Bearer, AuthSchemes.Basic], null, [], ErrorStyle.Restpp, false);

    /// <summary>GridGain 9's authentication services: any credential, RFC 7807 bodies.</summary>
    public static readonly AuthPolicyDefinition GridGain = new(Prefix + "gridgain", [AuthSchemes.Bearer, AuthSchemes.Basic], null, [], ErrorStyle.Problem, false);

    /// <summary>DataHub's GraphQL token service: any credential, RFC 7807 bodies for refusals before GraphQL runs.</summary>
    public static readonly AuthPolicyDefinition DataHub = new(Prefix + "datahub", [AuthSchemes.Bearer, AuthSchemes.Basic], null, [], ErrorStyle.Problem, false);

    public static readonly FrozenDictionary<string, AuthPolicyDefinition> All =
        new[] { Gsql, GridGain, DataHub }.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
}
