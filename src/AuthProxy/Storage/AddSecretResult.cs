namespace AuthProxy.Storage;

/// <summary>
/// The outcome of adding a secret. When the value was another user's secret, that secret is known
/// to someone else and was retired in the same transaction (<see cref="Retired"/>).
/// </summary>
internal readonly record struct AddSecretResult(SecretOutcome Outcome, StoredSecret? Retired = null);
