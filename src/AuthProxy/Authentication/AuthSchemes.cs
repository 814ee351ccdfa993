namespace AuthProxy.Authentication;

/// <summary>The credential schemes a policy can accept, named as in <c>AuthPolicies:*:Schemes</c>.</summary>
internal static class AuthSchemes
{
    public const string Bearer = "Bearer";
    public const string Basic = "Basic";
}
