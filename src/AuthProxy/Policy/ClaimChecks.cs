using AuthProxy.Authentication;
using AuthProxy.Errors;

namespace AuthProxy.Policy;

/// <summary>
/// A policy's rules over the token's own claims, in order: <c>Audiences</c> (401 <c>audience</c>),
/// <c>Scopes</c> (403 <c>scope</c>), <c>Claims</c> (403 <c>claim</c>), then the values
/// <c>ClaimHeaders</c> forwards (403 <c>claim</c> for a value no header may carry). Callers whose
/// credential carries no provider claims (Basic, AuthProxy's own tokens) fail every rule that
/// reads claims: a rule that cannot be checked refuses.
/// </summary>
internal static class ClaimChecks
{
    public static Refusal? Check(CallerIdentity caller, AuthPolicyDefinition definition, out ForwardedClaim[] headers)
    {
        headers = [];
        var claims = caller.TokenClaims;
        if (definition.ReadsClaims && claims is null)
        {
            return NoClaims(caller, definition);
        }

        if (!definition.Audiences.IsEmpty && !Overlaps(claims!.Audiences, definition.Audiences))
        {
            return Denials.Audience(caller.MaskedCredential, claims.Audiences, definition.Audiences);
        }

        if (!definition.Scopes.IsEmpty)
        {
            var granted = claims!.Scopes;
            List<string>? missing = null;
            foreach (var scope in definition.Scopes)
            {
                if (!granted.Contains(scope))
                {
                    (missing ??= []).Add(scope);
                }
            }

            if (missing is not null)
            {
                return Denials.Token(RefusalKind.Scope, caller.MaskedCredential,
                    $"lacks scope {string.Join(", ", missing.Select(Denials.Show))} (read from scope, scp and scopes)");
            }
        }

        foreach (var rule in definition.Claims)
        {
            var value = claims!.Get(rule.Name);
            if (value is null)
            {
                return Denials.Token(RefusalKind.Claim, caller.MaskedCredential, $"has no claim {Denials.Show(rule.Name)}, which this route requires");
            }

            if (!Overlaps(value.Values, rule.Values))
            {
                return Denials.Token(RefusalKind.Claim, caller.MaskedCredential,
                    value.IsUsable
                        ? $"has claim {Denials.Show(rule.Name)} with no value this route accepts"
                        : $"has claim {Denials.Show(rule.Name)} that is not a string or an array of strings");
            }
        }

        return definition.ClaimHeaders.IsEmpty || claims is null ? null : Forwarded(caller, claims, definition, out headers);
    }

    private static Refusal? Forwarded(CallerIdentity caller, TokenClaims claims, AuthPolicyDefinition definition, out ForwardedClaim[] headers)
    {
        headers = [];
        List<ForwardedClaim>? found = null;
        foreach (var entry in definition.ClaimHeaders)
        {
            // A claim the token does not carry sends no header: the client's copies are stripped, so the backend sees none.
            if (claims.Get(entry.Claim) is not { } value)
            {
                continue;
            }

            if (value.HeaderValue(out var problem) is not { } text)
            {
                return Denials.Token(RefusalKind.Claim, caller.MaskedCredential,
                    $"has claim {Denials.Show(entry.Claim)}, which cannot be forwarded in {entry.Header}: it {problem}");
            }

            (found ??= new List<ForwardedClaim>(definition.ClaimHeaders.Length)).Add(new ForwardedClaim(entry.Header, text));
        }

        headers = found is null ? [] : [.. found];
        return null;
    }

    private static Refusal NoClaims(CallerIdentity caller, AuthPolicyDefinition definition)
    {
        var (kind, what) = !definition.Audiences.IsEmpty ? (RefusalKind.Audience, "an audience")
            : !definition.Scopes.IsEmpty ? (RefusalKind.Scope, "scopes")
            : (RefusalKind.Claim, "claims");
        return caller.Scheme == AuthSchemes.Basic
            ? Denials.Because(kind, $"this route requires a token carrying {what} from an identity provider; Basic credentials carry none")
            : Denials.Token(kind, caller.MaskedCredential, $"is issued by AuthProxy and carries no {what} from an identity provider, which this route requires");
    }

    private static bool Overlaps(string[] values, System.Collections.Immutable.ImmutableArray<string> accepted)
    {
        foreach (var value in values)
        {
            foreach (var expected in accepted)
            {
                if (string.Equals(value, expected, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
