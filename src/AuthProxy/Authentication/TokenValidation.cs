using AuthProxy.Errors;
using AuthProxy.Keys;

namespace AuthProxy.Authentication;

/// <summary>The outcome of validating one token: a caller, or a refusal.</summary>
internal readonly struct TokenValidation
{
    private TokenValidation(CallerIdentity? caller, Refusal refusal, TrustedIssuer? verifiedBy)
    {
        Caller = caller;
        Refusal = refusal;
        VerifiedBy = verifiedBy;
    }

    /// <summary>A refusal decided after the signature verified: the token is genuinely <paramref name="verifiedBy"/>'s.</summary>
    public TokenValidation(Refusal refusal, TrustedIssuer verifiedBy)
        : this(null, refusal, verifiedBy)
    {
    }

    public CallerIdentity? Caller { get; }

    public Refusal Refusal { get; }

    /// <summary>The issuer whose key verified the signature; null when the token was refused before that.</summary>
    public TrustedIssuer? VerifiedBy { get; }

    public bool Succeeded => Caller is not null;

    public static implicit operator TokenValidation(CallerIdentity caller) => new(caller, default, caller.Issuer);

    public static implicit operator TokenValidation(Refusal refusal) => new(null, refusal, null);
}
