namespace AuthProxy.Policy;

/// <summary>One entry of a policy's <c>ClaimHeaders</c>: the header (under <c>X-AuthProxy-</c>) that carries the claim's value to the backend.</summary>
internal sealed record ClaimHeader(string Header, string Claim);
