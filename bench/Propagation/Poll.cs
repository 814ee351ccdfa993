namespace Propagation;

/// <summary>
/// How one instance came to refuse a revoked token, times from the moment the revoke's response
/// arrived: when the first 401 arrived (<see cref="Held"/>), and when the last poll that still
/// passed was sent, so the revocation took hold somewhere between the two.
/// </summary>
internal sealed record Poll(TimeSpan Held, TimeSpan LastPassedSent, int Polls, bool Refused, int Unexpected)
{
    /// <summary>How precisely <see cref="Held"/> is known: the span in which the revocation took hold.</summary>
    public TimeSpan Uncertainty => Held - LastPassedSent;
}
