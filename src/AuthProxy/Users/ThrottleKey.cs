namespace AuthProxy.Users;

/// <summary>One budget: an address (<c>a</c>), an account from an address (<c>u</c>), or an account from anywhere (<c>w</c>).</summary>
internal readonly record struct ThrottleKey(char Kind, string? Account, string Address);
