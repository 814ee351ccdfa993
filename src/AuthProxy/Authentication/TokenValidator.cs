using System.Buffers;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Keys;
using AuthProxy.Tokens;
using AuthProxy.Users;
using Microsoft.Extensions.Options;

namespace AuthProxy.Authentication;

/// <summary>
/// Validates a bearer JWT from a trusted provider, in a fixed order: format (strict JSON and
/// base64url, registered claim types), header rules, signature, lifetime, issuer, audience, user,
/// revocation. Every failure becomes one <see cref="Refusal"/>; nothing throws past this class.
/// </summary>
internal sealed class TokenValidator
{
    /// <summary>Longer tokens are refused before any parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>A compact JWS holds base64url characters and two dots, nothing else.</summary>
    private static readonly SearchValues<char> CompactJwsCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private readonly TrustedIssuers _issuers;
    private readonly UserDirectory _users;
    private readonly RevocationList _revocations;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;
    private readonly VerifiedTokenCache _verified;

    public TokenValidator(TrustedIssuers issuers, UserDirectory users, RevocationList revocations, IOptions<JwtOptions> options, TimeProvider time,
        VerifiedTokenCache verified)
    {
        _verified = verified;
        _issuers = issuers;
        _users = users;
        _revocations = revocations;
        _time = time;
        _skew = options.Value.ClockSkew;
    }

    /// <summary>Validates a token for a request: every check, revocation included.</summary>
    public ValueTask<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync(token, TokenUse.Request, cancellationToken);

    /// <summary>
    /// Validates a token for <paramref name="use"/> (see <see cref="TokenUse"/> for what each checks),
    /// in full: callers that may hold a remembered token ask <see cref="Remembered(ReadOnlySpan{char})"/> first. A token
    /// checked for a request is remembered at its second full check.
    /// </summary>
    public async ValueTask<TokenValidation> ValidateAsync(string token, TokenUse use, CancellationToken cancellationToken)
    {
        if (token.Length < Denials.MinimumTokenLength)
        {
            return Denials.Missing;
        }

        var masked = TokenMask.Mask(token);
        if (token.Length > MaxTokenLength)
        {
            return Denials.Token(RefusalKind.Format, masked, $"is longer than {MaxTokenLength} characters");
        }

        if (token.AsSpan().ContainsAnyExcept(CompactJwsCharacters))
        {
            return Denials.Token(RefusalKind.Format, masked, "is not a JWT: it holds characters other than base64url and '.'");
        }

        var dots = token.AsSpan().Count('.');
        if (dots == 4)
        {
            return Denials.Token(RefusalKind.Format, masked, "is an encrypted token (JWE); only signed tokens (JWS) are accepted");
        }

        if (dots != 2)
        {
            return Denials.Token(RefusalKind.Format, masked, "is not a JWT (three base64url parts separated by '.')");
        }

        if (!CompactJwsReader.TryRead(token, out var header, out var claims, out var problem))
        {
            return Denials.Token(RefusalKind.Format, masked, problem!);
        }

        if (CheckHeader(header, masked) is { } headerRefusal)
        {
            return headerRefusal;
        }

        if (claims.Graph is { Length: 0 })
        {
            // An empty scope must not read as "no scope": that would widen the token to every graph.
            return Denials.Token(RefusalKind.Format, masked, "has an empty graph claim");
        }

        var issuerName = NullIfEmpty(claims.Issuer);
        var issuer = _issuers.Select(issuerName);
        if (issuer is null)
        {
            return issuerName is null
                ? Denials.Token(RefusalKind.Issuer, masked, "has no issuer (iss) and no trusted provider accepts tokens without one")
                : Denials.Token(RefusalKind.Issuer, masked, $"has issuer {Denials.Show(issuerName)}, which is not a trusted issuer");
        }

        var algorithm = header.Algorithm!;
        var keys = use == TokenUse.Request ? VerifiedTokenCache.Snapshot(issuer) : null; // before the check: a key that leaves meanwhile ends the entry
        if (await SignatureVerifier.VerifyAsync(token, algorithm, header.KeyId, issuer, masked, cancellationToken, issuerName) is { } signatureRefusal)
        {
            return signatureRefusal;
        }

        // The signature holds from here on: a refusal says which issuer vouched for the token.
        var expires = Time(claims.Expires);
        if (CheckVerified(claims, expires, issuer, masked, use, out var user) is { } refusal)
        {
            return new TokenValidation(refusal, issuer);
        }

        var tokenId = NullIfEmpty(claims.TokenId);
        var ancestors = issuer.IsAuthProxy ? claims.Ancestors : [];
        if (use == TokenUse.Request && _revocations.IsRevoked(token, issuer.IsAuthProxy ? tokenId : null, ancestors))
        {
            return new TokenValidation(Denials.Token(RefusalKind.Revoked, masked, "has been revoked"), issuer);
        }

        var tokenClaims = issuer.IsAuthProxy ? null : new TokenClaims(claims.Payload);
        if (keys is not null && _verified.SeenBefore(token))
        {
            _verified.Add(token, new VerifiedTokenEntry(token, issuer, keys, user!.Name, claims.Graph, tokenId, masked, expires, ancestors, tokenClaims));
        }

        return new CallerIdentity(user!, AuthSchemes.Bearer, claims.Graph, tokenId, masked, issuer, expires)
        {
            Token = token, Ancestors = ancestors, TokenClaims = tokenClaims,
        };
    }

    /// <summary>
    /// A token that passed every check before, with what may have changed since checked again: its
    /// expiry, its user (who may be gone, or hold other grants now) and revocation. Null sends the
    /// token through the full check, which then says exactly why it is refused. Takes the token as
    /// it stands in the request, so a remembered one costs no copy.
    /// </summary>
    public TokenValidation? Remembered(ReadOnlySpan<char> token) => Remembered(header: null, token);

    /// <inheritdoc cref="Remembered(ReadOnlySpan{char})"/>
    /// <param name="header">The request's whole <c>Authorization</c> value, which <paramref name="token"/> stands in, when
    /// at hand: a connection that sends the same header again finds its entry by it (<see cref="VerifiedTokenCache.TryGet(string?, ReadOnlySpan{char}, out VerifiedTokenEntry?)"/>).</param>
    public TokenValidation? Remembered(string? header, ReadOnlySpan<char> token)
    {
        if (!_verified.TryGet(header, token, out var entry) || entry.Expires is { } expires && expires <= _time.GetUtcNow()
            || !_users.TryFind(entry.Subject, out var user))
        {
            return null;
        }

        var issuer = entry.Issuer;
        if (_revocations.IsRevoked(entry.Token, issuer.IsAuthProxy ? entry.TokenId : null, entry.Ancestors, entry.SigningInputHash))
        {
            return new TokenValidation(Denials.Token(RefusalKind.Revoked, entry.Masked, "has been revoked"), issuer);
        }

        return entry.CallerFor(user);
    }

    /// <summary>The checks after the signature: lifetime, issuer, audience, user.</summary>
    private Refusal? CheckVerified(in JwtClaims claims, DateTimeOffset? expires, TrustedIssuer issuer, string masked, TokenUse use, out User? user)
    {
        var revoking = use == TokenUse.Revocation;
        user = null;
        if (claims.Expires is null && !(issuer.IsAuthProxy && claims.Type == TokenIssuer.PersonalType))
        {
            // Only AuthProxy's own personal access tokens may be issued without an end (DataHub's NO_EXPIRY).
            return Denials.Token(RefusalKind.Format, masked, "has no expiration time (exp)");
        }

        // A token not valid yet may be revoked in advance: only expiry counts then.
        if (CheckLifetime(expires, revoking ? null : Time(claims.NotBefore), revoking ? null : Time(claims.IssuedAt), masked) is { } lifetimeRefusal)
        {
            return lifetimeRefusal;
        }

        var issuerName = NullIfEmpty(claims.Issuer);
        if (issuer.Issuer is not null && !string.Equals(issuerName, issuer.Issuer, StringComparison.Ordinal))
        {
            return Denials.Token(RefusalKind.Issuer, masked,
                $"has issuer {Denials.Show(issuerName)}, which doesn't match the configured one {Denials.Show(issuer.Issuer)}");
        }

        if (!issuer.Audiences.IsEmpty && !ContainsAny(claims.Audiences, issuer.Audiences))
        {
            return Denials.Audience(masked, claims.Audiences, issuer.Audiences);
        }

        var subject = NullIfEmpty(claims.Subject);
        if (subject is null)
        {
            return Denials.Token(RefusalKind.UnknownUser, masked, "has no subject (sub) naming a user");
        }

        if (!_users.TryFind(subject, out var found))
        {
            if (revoking)
            {
                user = User.Undeclared(subject); // revoked in advance, in case the name is declared later
                return null;
            }

            return Denials.Token(RefusalKind.UnknownUser, masked, $"names user {Denials.Show(subject)}, who does not exist");
        }

        user = found;
        return null;
    }

    private static Refusal? CheckHeader(in JwsHeader header, string masked)
    {
        var algorithm = header.Algorithm;
        if (string.IsNullOrEmpty(algorithm))
        {
            return Denials.Token(RefusalKind.Format, masked, "has no algorithm (alg) in its header");
        }

        if (string.Equals(algorithm, "none", StringComparison.OrdinalIgnoreCase))
        {
            return Denials.Token(RefusalKind.Verification, masked, "is unsigned (alg none), which is never accepted");
        }

        if (!JwsAlgorithms.TryGetFamily(algorithm, out _))
        {
            return Denials.Token(RefusalKind.Verification, masked, $"uses algorithm {Denials.Show(algorithm)}, which is not accepted");
        }

        switch (header.RefusedParameter)
        {
            case "crit":
                return Denials.Token(RefusalKind.Verification, masked, "marks header parameters as critical (crit), which AuthProxy does not understand");
            case "b64":
                return Denials.Token(RefusalKind.Verification, masked, "carries the unencoded-payload option (b64), which AuthProxy does not accept");
            case { } name:
                return Denials.Token(RefusalKind.Verification, masked, $"carries a key reference in its '{name}' header, which is never trusted");
        }

        var type = header.Type;
        if (!string.IsNullOrEmpty(type) && !IsAcceptedType(type))
        {
            return Denials.Token(RefusalKind.Format, masked, $"has type {Denials.Show(type)}; expected JWT or at+jwt");
        }

        return null;
    }

    /// <summary><c>JWT</c> and RFC 9068's <c>at+jwt</c>, with or without <c>application/</c>, any case.</summary>
    private static bool IsAcceptedType(string type)
    {
        var span = type.AsSpan();
        if (span.StartsWith("application/", StringComparison.OrdinalIgnoreCase))
        {
            span = span["application/".Length..];
        }

        return span.Equals("JWT", StringComparison.OrdinalIgnoreCase) || span.Equals("at+jwt", StringComparison.OrdinalIgnoreCase);
    }

    private static DateTimeOffset? Time(long? seconds) => seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private Refusal? CheckLifetime(DateTimeOffset? expires, DateTimeOffset? notBefore, DateTimeOffset? issuedAt, string masked)
    {
        // NumericDates are bounded at 9999-12-31T23:59:59Z when read; the skew is at most an hour, so
        // expiry + skew stays within DateTimeOffset (compared as now - skew to be sure).
        var now = _time.GetUtcNow();
        if (expires is { } exp && exp <= now - _skew)
        {
            return Denials.Token(RefusalKind.Expired, masked, $"expired at {Denials.Time(exp)}");
        }

        if (notBefore is { } nbf && nbf - _skew > now)
        {
            return Denials.Token(RefusalKind.NotYetValid, masked, $"is not valid before {Denials.Time(nbf)}");
        }

        if (issuedAt is { } iat && iat - _skew > now)
        {
            return Denials.Token(RefusalKind.NotYetValid, masked, $"was issued in the future, at {Denials.Time(iat)}");
        }

        return null;
    }

    private static bool ContainsAny(string[] tokenAudiences, System.Collections.Immutable.ImmutableArray<string> configured)
    {
        foreach (var audience in tokenAudiences)
        {
            foreach (var expected in configured)
            {
                if (string.Equals(audience, expected, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
