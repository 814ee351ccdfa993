namespace Propagation;

/// <summary>One measured revocation: what issuing and revoking cost on A, and how B and C came to refuse the token.</summary>
internal sealed record Revocation(int Number, TimeSpan Login, TimeSpan Revoke, Poll B, Poll C, bool RefusedOnA);
