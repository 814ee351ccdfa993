namespace AuthProxy.Storage;

/// <summary>What a committed write changed that instances keep in memory.</summary>
internal enum StoreChangeKind
{
    /// <summary>A token was revoked (<see cref="StoreChange.Key"/> is its revocation key).</summary>
    Revoke,
    /// <summary>A token was added to a user's block list.</summary>
    Block,
    /// <summary>A token was taken off a user's block list.</summary>
    Unblock,
    /// <summary>A signing key was added or removed (<see cref="StoreChange.Key"/> is its <c>kid</c>).</summary>
    SigningKeys,
}
