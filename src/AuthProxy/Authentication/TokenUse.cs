namespace AuthProxy.Authentication;

/// <summary>What a token is validated for.</summary>
internal enum TokenUse
{
    /// <summary>To authenticate a request: every check, revocation included.</summary>
    Request,

    /// <summary>
    /// To inspect a token AuthProxy is asked about (the token check): every check but revocation,
    /// which the caller looks at itself.
    /// </summary>
    Inspection,

    /// <summary>
    /// To revoke or block it: whose it is, by a verified signature. A token that is revoked, blocked,
    /// not valid yet, or whose user is not (or no longer) declared can still be revoked in advance;
    /// only an expired one is refused (it is unusable anyway).
    /// </summary>
    Revocation,
}
