namespace AuthProxy.Policy;

/// <summary>A claim's value on its way to the backend, in the header a policy's <c>ClaimHeaders</c> names (already encoded).</summary>
internal readonly record struct ForwardedClaim(string Header, string Value);
