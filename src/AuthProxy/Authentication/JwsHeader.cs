namespace AuthProxy.Authentication;

/// <summary>The header parameters of a JWS that AuthProxy reads.</summary>
/// <param name="Algorithm">The <c>alg</c>, or null when absent.</param>
/// <param name="KeyId">The <c>kid</c>, or null when absent or empty.</param>
/// <param name="Type">The <c>typ</c>, or null when absent.</param>
/// <param name="RefusedParameter">The first parameter present that refuses the token by its presence (<c>jwk</c>, <c>jku</c>, <c>x5u</c>, <c>x5c</c>, <c>crit</c>, <c>b64</c>), or null.</param>
internal readonly record struct JwsHeader(string? Algorithm, string? KeyId, string? Type, string? RefusedParameter);
