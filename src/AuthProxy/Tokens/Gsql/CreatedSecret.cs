namespace AuthProxy.Tokens.Gsql;

/// <summary>A new secret: its alias and its value (shown this once).</summary>
internal sealed record CreatedSecret(string Alias, string Value);
