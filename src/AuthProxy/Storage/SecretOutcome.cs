namespace AuthProxy.Storage;

/// <summary>How adding a secret ended.</summary>
internal enum SecretOutcome
{
    /// <summary>The secret was stored.</summary>
    Added,
    /// <summary>The user already has a secret with that alias; nothing changed.</summary>
    AliasTaken,
    /// <summary>The user already has a secret with that value; nothing changed.</summary>
    ValueTaken,
    /// <summary>The user already has as many secrets as allowed; nothing changed.</summary>
    LimitReached,
}
