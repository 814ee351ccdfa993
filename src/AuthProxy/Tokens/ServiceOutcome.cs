using AuthProxy.Errors;

namespace AuthProxy.Tokens;

/// <summary>What a token service operation produced, or the refusal that says why not.</summary>
internal readonly record struct ServiceOutcome<T>(T? Value, Refusal Refusal)
{
    public bool Succeeded => Refusal.Message is null;

    public static implicit operator ServiceOutcome<T>(T value) => new(value, default);

    public static implicit operator ServiceOutcome<T>(Refusal refusal) => new(default, refusal);
}
