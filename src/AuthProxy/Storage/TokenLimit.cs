namespace AuthProxy.Storage;

/// <summary>A cap on the unexpired (revoked ones included) tokens of one user, counted over some families.</summary>
internal sealed record TokenLimit(int Max, IReadOnlyList<TokenFamily> Families);
