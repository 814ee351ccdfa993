namespace AuthProxy.Storage;

/// <summary>Which issued tokens to list.</summary>
internal sealed record TokenQuery(TokenFamily Family, string? User, int Start, int Count, bool IncludeRevoked = false, string? Owner = null);
