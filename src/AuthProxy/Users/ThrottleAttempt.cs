namespace AuthProxy.Users;

/// <summary>One reserved attempt: the budgets it holds a unit of (unused slots have kind 0), and in which segment.</summary>
internal readonly record struct ThrottleAttempt(ThrottleKey[]? Keys, long Segment, string? Account, string Address);
