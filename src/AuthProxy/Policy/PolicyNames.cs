namespace AuthProxy.Policy;

/// <summary>Policy names with a fixed meaning.</summary>
internal static class PolicyNames
{
    /// <summary>Lets a request through unauthenticated.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Any valid credential, no graph; used where a route names no policy.</summary>
    public const string Default = "default";
}
