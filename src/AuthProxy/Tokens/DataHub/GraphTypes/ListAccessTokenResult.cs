using AuthProxy.Storage;

namespace AuthProxy.Tokens.DataHub.GraphTypes;

internal sealed record ListAccessTokenResult(int Start, int Count, int Total, IReadOnlyList<IssuedToken> Tokens);
