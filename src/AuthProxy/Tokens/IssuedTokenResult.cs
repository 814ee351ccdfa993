using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>An issued token and the record kept of it.</summary>
internal sealed record IssuedTokenResult(string Token, IssuedToken Record)
{
    public DateTimeOffset? ExpiresAt => Record.ExpiresAt;
}
