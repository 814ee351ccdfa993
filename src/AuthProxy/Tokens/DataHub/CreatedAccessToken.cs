using AuthProxy.Storage;

namespace AuthProxy.Tokens.DataHub;

/// <summary>A new token (shown this once) and its metadata.</summary>
internal sealed record CreatedAccessToken(string AccessToken, IssuedToken Metadata);
