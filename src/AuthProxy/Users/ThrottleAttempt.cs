namespace AuthProxy.Users;

/// <summary>
/// One reserved attempt: the budgets it holds a unit of (unused slots have kind 0), and in which
/// segment; <see cref="Shared"/> when the shared store's budgets hold a unit of it too.
/// </summary>
internal readonly record struct ThrottleAttempt(ThrottleKey[]? Keys, long Segment, string? Account, string Address, bool Shared = false);
