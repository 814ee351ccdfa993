namespace AuthProxy.Users;

/// <summary>The algorithms <c>hash-password</c> can produce.</summary>
internal enum PasswordAlgorithm
{
    Argon2id,
    Pbkdf2Sha256,
}
