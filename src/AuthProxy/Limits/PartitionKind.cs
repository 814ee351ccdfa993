namespace AuthProxy.Limits;

/// <summary>What a <c>RateLimit</c> or <c>Concurrency</c> setting counts separately (its <c>By</c>).</summary>
internal enum PartitionKind
{
    /// <summary>The authenticated user name.</summary>
    User,
    /// <summary>The request's graph (the one the policy checked, or the token's graph scope).</summary>
    Graph,
    /// <summary>The client address AuthProxy resolved (through <c>TrustedProxies</c>); IPv6 by its /64.</summary>
    Address,
    /// <summary>The value of one string claim of the caller's token.</summary>
    Claim,
}
