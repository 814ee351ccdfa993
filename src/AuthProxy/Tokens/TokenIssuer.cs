using System.Security.Cryptography;
using AuthProxy.Configuration;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Tokens;

/// <summary>
/// Signs AuthProxy's own tokens with the current ring key and records them (by hash) in the store
/// before handing them out: <c>iss</c>, <c>sub</c>, <c>iat</c>, <c>exp</c> (unless the token never
/// expires), <c>jti</c>, and <c>graph</c> when scoped.
/// </summary>
internal sealed class TokenIssuer(SigningKeyRing ring, IAuthProxyStore store, IOptions<OwnTokenOptions> options, IOptions<LimitsOptions> limits,
    TimeProvider time, AuthProxyMetrics metrics)
{
    private static readonly TokenFamily[] ServiceFamilies = [TokenFamily.Gsql, TokenFamily.GridGain];
    private static readonly TokenFamily[] PersonalFamilies = [TokenFamily.Personal];

    /// <summary>The <c>type</c> claim of a personal access token (DataHub's name).</summary>
    public const string PersonalType = "PERSONAL";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issuer => options.Value.Issuer;

    /// <summary>
    /// Signs and records a token; null when the user already holds as many live tokens of its kind
    /// as <see cref="LimitsOptions"/> allows (nothing is issued then).
    /// </summary>
    public async Task<IssuedTokenResult?> IssueAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        using var activity = AuthProxyTelemetry.Source.StartActivity(AuthProxyTelemetry.TokenIssueSpan);
        activity?.SetTag(AuthProxyTelemetry.FamilyTag, TokenFamilies.Tag(request.Family));
        activity?.SetTag(AuthProxyTelemetry.UserTag, request.User);
        var credentials = await ring.GetSigningKeyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        DateTimeOffset? expiresAt = request.Lifetime is { } lifetime ? issuedAt + lifetime : null;
        if (request.NotAfter is { } notAfter && (expiresAt is null || expiresAt > notAfter))
        {
            // A token made by presenting another token never outlives it.
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(notAfter.ToUnixTimeSeconds());
        }

        var tokenId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = request.User,
            [JwtRegisteredClaimNames.Jti] = tokenId,
            [JwtRegisteredClaimNames.Iat] = issuedAt.ToUnixTimeSeconds(),
        };
        if (expiresAt is { } exp)
        {
            claims[JwtRegisteredClaimNames.Exp] = exp.ToUnixTimeSeconds();
        }

        if (request.Graph is not null)
        {
            claims["graph"] = request.Graph;
        }

        if (request.Family == TokenFamily.Personal)
        {
            claims["type"] = PersonalType;
        }

        if (request.Ancestors is { Count: > 0 } ancestors)
        {
            // Revoking or blocking any of these refuses this token too (RevocationList.IsRevoked).
            claims["anc"] = ancestors.ToArray();
        }

        var token = LowS(Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Claims = claims,
            SigningCredentials = credentials,
        }), credentials.Algorithm);
        var hash = TokenHash.Of(token).ToString();
        var kid = credentials.Key.KeyId;
        var record = new IssuedToken(hash, tokenId, request.User, request.Family, request.Graph, issuedAt, expiresAt, kid,
            request.Name, request.Description, request.Owner ?? request.User);
        var limit = request.Family == TokenFamily.Personal
            ? new TokenLimit(limits.Value.PersonalTokensPerUser, PersonalFamilies)
            : new TokenLimit(limits.Value.TokensPerUser, ServiceFamilies);
        if (!await store.RecordIssuedTokenAsync(record, limit, now, cancellationToken))
        {
            return null;
        }

        ring.NoteIssued(kid, expiresAt);
        metrics.TokenIssued(TokenFamilies.Tag(request.Family));
        return new IssuedTokenResult(token, record);
    }

    /// <summary>The cap that applies to a family, for messages.</summary>
    public int LimitFor(TokenFamily family) => family == TokenFamily.Personal ? limits.Value.PersonalTokensPerUser : limits.Value.TokensPerUser;

    /// <summary>ECDSA signatures are rewritten to their low-S form, the only one AuthProxy accepts on its own tokens.</summary>
    private static string LowS(string token, string algorithm)
    {
        if (!algorithm.StartsWith("ES", StringComparison.Ordinal))
        {
            return token;
        }

        var lastDot = token.LastIndexOf('.');
        var signature = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);
        var low = Keys.EcdsaSignatures.ToLowS(algorithm, signature);
        return ReferenceEquals(low, signature) ? token : string.Concat(token.AsSpan(0, lastDot + 1), Base64UrlEncoder.Encode(low));
    }
}
