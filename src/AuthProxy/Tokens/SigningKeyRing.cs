using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AuthProxy.Configuration;
using AuthProxy.Keys;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthProxy.Tokens;

/// <summary>
/// AuthProxy's own signing keys. A new key signs for <see cref="JwtOptions.KeyTtl"/>; a retired key
/// keeps verifying (and stays in the JWKS) until the last token it signed has expired. Private
/// keys are stored encrypted with ASP.NET Core Data Protection and never logged.
/// </summary>
internal sealed partial class SigningKeyRing : IDisposable
{
    private const string ProtectorPurpose = "AuthProxy.SigningKeys.v1";

    private readonly IAuthProxyStore _store;
    private readonly IDataProtector _protector;
    private readonly JwtOptions _jwt;
    private readonly OwnTokenOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SigningKeyRing> _logger;
    private readonly SemaphoreSlim _rotation = new(1, 1);
    private volatile Ring _ring = Ring.Empty;

    public SigningKeyRing(IAuthProxyStore store, IDataProtectionProvider dataProtection, IOptions<JwtOptions> jwt, IOptions<OwnTokenOptions> options,
        TimeProvider time, ILogger<SigningKeyRing> logger)
    {
        _store = store;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _jwt = jwt.Value;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The public halves of every key that still verifies, for token validation.</summary>
    public KeySet PublicKeys => _ring.PublicKeys;

    /// <summary>The JWKS served at <c>/.well-known/jwks.json</c>.</summary>
    public string Jwks => _ring.Jwks;

    /// <summary>Loads the keys from the store and makes sure one is signing.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListSigningKeysAsync(cancellationToken);
        var keys = new List<RingKey>();
        foreach (var key in stored)
        {
            try
            {
                keys.Add(RingKey.Load(key, _protector));
            }
            catch (CryptographicException)
            {
                Log.KeyUnreadable(_logger, key.Kid);
            }
        }

        _ring = new Ring([.. keys], _time.GetUtcNow());
        await PruneAsync(cancellationToken);
        await GetSigningKeyAsync(cancellationToken);
    }

    /// <summary>
    /// The key that signs now, rotating first when the current one's time is up, or when it is not
    /// of the configured algorithm (the operator changed <c>AuthProxy:Tokens:SigningAlgorithm</c>:
    /// the new algorithm signs at once, and the old keys keep verifying their tokens).
    /// </summary>
    public async ValueTask<SigningCredentials> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        if (_ring.Active(_time.GetUtcNow(), _options.SigningAlgorithm) is { } active)
        {
            return active.Credentials;
        }

        await _rotation.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (_ring.Active(now, _options.SigningAlgorithm) is { } rotated)
            {
                return rotated.Credentials;
            }

            var created = RingKey.Create(_options.SigningAlgorithm, now, now + _jwt.KeyTtl, _protector, out var stored);
            await _store.AddSigningKeyAsync(stored, cancellationToken);
            _ring = new Ring(_ring.Keys.Add(created), now);
            Log.Rotated(_logger, created.Kid, created.Algorithm, created.RetireAt);
            return created.Credentials;
        }
        finally
        {
            _rotation.Release();
        }
    }

    /// <summary>Notes that a token signed by <paramref name="kid"/> lives until <paramref name="expiresAt"/> (the store records it too).</summary>
    public void NoteIssued(string kid, DateTimeOffset? expiresAt)
    {
        foreach (var key in _ring.Keys)
        {
            if (key.Kid == kid)
            {
                key.ExtendLastExpiry(expiresAt ?? DateTimeOffset.MaxValue);
            }
        }
    }

    /// <summary>Drops keys that no longer sign and whose last token has expired.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var skew = _jwt.ClockSkew;
        var gone = _ring.Keys.Where(k => k.RetireAt <= now && k.LastExpiry != DateTimeOffset.MaxValue && k.LastExpiry + skew <= now).ToList();
        foreach (var key in gone)
        {
            await _store.DeleteSigningKeyAsync(key.Kid, cancellationToken);
            Log.Pruned(_logger, key.Kid);
        }

        if (gone.Count > 0)
        {
            _ring = new Ring(_ring.Keys.RemoveRange(gone), now);
        }
    }

    public void Dispose() => _rotation.Dispose();

    private sealed class Ring
    {
        public static readonly Ring Empty = new([], DateTimeOffset.UnixEpoch);

        public Ring(ImmutableArray<RingKey> keys, DateTimeOffset builtAt)
        {
            Keys = keys;
            PublicKeys = new KeySet([.. keys.Select(k => k.Public)], builtAt);
            Jwks = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)JsonNode.Parse(k.PublicJwk)!)]) }.ToJsonString();
        }

        public ImmutableArray<RingKey> Keys { get; }

        public KeySet PublicKeys { get; }

        public string Jwks { get; }

        /// <summary>The newest key of <paramref name="algorithm"/> still within its signing time.</summary>
        public RingKey? Active(DateTimeOffset now, string algorithm)
        {
            RingKey? active = null;
            foreach (var key in Keys)
            {
                if (key.Algorithm == algorithm && key.CreatedAt <= now && key.RetireAt > now && (active is null || key.CreatedAt > active.CreatedAt))
                {
                    active = key;
                }
            }

            return active;
        }
    }

    private sealed class RingKey
    {
        private long _lastExpiryMs;

        private RingKey(string kid, string algorithm, AsymmetricSecurityKey privateKey, TrustedKey publicKey, string publicJwk,
            DateTimeOffset createdAt, DateTimeOffset retireAt, DateTimeOffset lastExpiry)
        {
            Kid = kid;
            Algorithm = algorithm;
            Credentials = new SigningCredentials(privateKey, algorithm);
            Public = publicKey;
            PublicJwk = publicJwk;
            CreatedAt = createdAt;
            RetireAt = retireAt;
            _lastExpiryMs = lastExpiry.ToUnixTimeMilliseconds();
        }

        public string Kid { get; }

        public string Algorithm { get; }

        public SigningCredentials Credentials { get; }

        public TrustedKey Public { get; }

        public string PublicJwk { get; }

        public DateTimeOffset CreatedAt { get; }

        public DateTimeOffset RetireAt { get; }

        public DateTimeOffset LastExpiry => DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(Interlocked.Read(ref _lastExpiryMs), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));

        public void ExtendLastExpiry(DateTimeOffset expiry)
        {
            var ms = expiry.ToUnixTimeMilliseconds();
            long current;
            while ((current = Interlocked.Read(ref _lastExpiryMs)) < ms && Interlocked.CompareExchange(ref _lastExpiryMs, ms, current) != current)
            {
            }
        }

        public static RingKey Create(string algorithm, DateTimeOffset now, DateTimeOffset retireAt, IDataProtector protector, out StoredSigningKey stored)
        {
            var kid = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
            byte[] pkcs8;
            if (algorithm == "ES256")
            {
                using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                pkcs8 = ec.ExportPkcs8PrivateKey();
            }
            else
            {
                using var rsa = RSA.Create(2048);
                pkcs8 = rsa.ExportPkcs8PrivateKey();
            }

            try
            {
                var key = FromPkcs8(kid, algorithm, pkcs8, now, retireAt, now);
                stored = new StoredSigningKey(kid, algorithm, protector.Protect(pkcs8), key.PublicJwk, now, retireAt, now);
                return key;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        public static RingKey Load(StoredSigningKey stored, IDataProtector protector)
        {
            var pkcs8 = protector.Unprotect(stored.ProtectedPrivateKey);
            try
            {
                return FromPkcs8(stored.Kid, stored.Algorithm, pkcs8, stored.CreatedAt, stored.RetireAt, stored.LastExpiry);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        private static RingKey FromPkcs8(string kid, string algorithm, byte[] pkcs8, DateTimeOffset createdAt, DateTimeOffset retireAt, DateTimeOffset lastExpiry)
        {
            AsymmetricSecurityKey privateKey;
            SecurityKey publicKey;
            JsonObject jwk;
            if (algorithm == "ES256")
            {
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                var p = ec.ExportParameters(false);
                privateKey = new ECDsaSecurityKey(ec) { KeyId = kid };
                publicKey = new ECDsaSecurityKey(ECDsa.Create(p)) { KeyId = kid };
                jwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                var p = rsa.ExportParameters(false);
                privateKey = new RsaSecurityKey(rsa) { KeyId = kid };
                publicKey = new RsaSecurityKey(p) { KeyId = kid };
                jwk = new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
            }

            jwk["kid"] = kid;
            jwk["use"] = "sig";
            jwk["alg"] = algorithm;
            var trusted = new TrustedKey(kid, publicKey, FrozenSet.Create(StringComparer.Ordinal, algorithm), "AuthProxy signing keys");
            return new RingKey(kid, algorithm, privateKey, trusted, jwk.ToJsonString(), createdAt, retireAt, lastExpiry);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.SigningKeyRotated, Level = LogLevel.Information, Message = "New signing key {Kid} ({Algorithm}) signs until {RetireAt:o}")]
        public static partial void Rotated(ILogger logger, string kid, string algorithm, DateTimeOffset retireAt);

        [LoggerMessage(EventId = LogEvents.SigningKeyRemoved, Level = LogLevel.Information, Message = "Signing key {Kid} removed: it no longer signs and its last token has expired")]
        public static partial void Pruned(ILogger logger, string kid);

        [LoggerMessage(EventId = LogEvents.SigningKeyUnreadable, Level = LogLevel.Error, Message = "Signing key {Kid} cannot be decrypted (were the Data Protection keys lost?); it is ignored and its tokens are refused")]
        public static partial void KeyUnreadable(ILogger logger, string kid);
    }
}
