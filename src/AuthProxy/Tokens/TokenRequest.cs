using AuthProxy.Storage;

namespace AuthProxy.Tokens;

/// <summary>
/// What to issue: for whom (and, when someone else asks, by whom), by which service, scoped to which
/// graph, for how long (null: never expires), and the latest it may expire (the expiry of the token
/// presented to ask for it).
/// </summary>
internal sealed record TokenRequest(string User, TokenFamily Family, string? Graph, TimeSpan? Lifetime,
    string? Name = null, string? Description = null, string? Owner = null, DateTimeOffset? NotAfter = null,
    IReadOnlyList<string>? Ancestors = null);
