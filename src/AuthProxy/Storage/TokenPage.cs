namespace AuthProxy.Storage;

/// <summary>A page of issued tokens, sorted newest expiry first (no expiry first of all).</summary>
internal sealed record TokenPage(IReadOnlyList<IssuedToken> Tokens, int Total);
