namespace AuthProxy.Errors;

/// <summary>The body shape a route's clients understand.</summary>
public enum ErrorStyle
{
    /// <summary>TigerGraph RESTPP: <c>{"version":...,"error":true,"message":...,"code":...,"reason":...}</c>.</summary>
    Restpp,

    /// <summary>RFC 7807 <c>application/problem+json</c>, as GridGain 9's REST API answers.</summary>
    Problem,
}
