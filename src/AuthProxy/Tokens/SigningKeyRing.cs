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
    /// <summary>The Data Protection purpose the private keys are encrypted under.</summary>
    internal const string ProtectorPurpose = "AuthProxy.SigningKeys.v1";

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

    /// <summary>
    /// Loads the keys from the store and makes sure one is signing. A stored key this instance
    /// cannot decrypt stops the start: its Data Protection keys are not the ones the key was stored
    /// with (lost, or not shared with the other instances of a shared store), and minting a key of
    /// its own would split the instances' tokens.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListSigningKeysAsync(cancellationToken);
        var keys = new List<RingKey>();
        var unreadable = new List<string>();
        foreach (var key in stored)
        {
            try
            {
                keys.Add(RingKey.Load(key, _protector));
            }
            catch (CryptographicException)
            {
                unreadable.Add(key.Kid);
            }
        }

        if (unreadable.Count > 0)
        {
            throw new InvalidOperationException(
                $"the store's signing key(s) {string.Join(", ", unreadable)} cannot be decrypted with this instance's Data Protection keys. "
                + "Every instance of a store must read the same Data Protection keys (AuthProxy:Store:DataProtectionKeys, or the PostgreSQL database); "
                + "restore them rather than start with keys of its own.");
        }

        _ring = new Ring([.. keys], _time.GetUtcNow());
        await PruneAsync(cancellationToken);
        await GetSigningKeyAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the keys from the store again (another instance added or removed one): keys already
    /// held are kept, new ones decrypted. A new key this instance cannot decrypt still verifies its
    /// tokens (its public half is stored in the clear) but never signs here.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _rotation.WaitAsync(cancellationToken);
        try
        {
            Rebuild(await _store.ListSigningKeysAsync(cancellationToken));
        }
        finally
        {
            _rotation.Release();
        }
    }

    /// <summary>
    /// The key that signs now. Rotation happens once across every instance of a store: under the
    /// store's write lock, a key is added only when none of the configured algorithm covers the
    /// time asked for. When the current key nears its retirement (<see cref="RotationLead"/>), its
    /// successor is made ahead of time, starting when it retires: every instance (and every JWKS
    /// client) knows it before it signs. A change of <c>AuthProxy:Tokens:SigningAlgorithm</c> makes
    /// a key of the new algorithm sign at once; the old keys keep verifying their tokens.
    /// </summary>
    public async ValueTask<SigningCredentials> GetSigningKeyAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var algorithm = _options.SigningAlgorithm;
        if (_ring.Active(now, algorithm) is { } active)
        {
            if (active.RetireAt - now <= RotationLead && _ring.Active(active.RetireAt, algorithm) is null)
            {
                try
                {
                    await RotateAsync(active.RetireAt, cancellationToken);
                }
                catch (StoreUnavailableException)
                {
                    // The successor is made on a later call; the current key signs until then.
                }
            }

            return active.Credentials!;
        }

        await RotateAsync(now, cancellationToken);
        return _ring.Active(_time.GetUtcNow(), algorithm)?.Credentials
            ?? throw new InvalidOperationException("No signing key of this instance can sign: the store's current key cannot be decrypted with its Data Protection keys.");
    }

    /// <summary>How long before the current key retires its successor is made: a tenth of <c>Security:JWT:KeyTtl</c>, at most an hour.</summary>
    private TimeSpan RotationLead => _jwt.KeyTtl / 10 < TimeSpan.FromHours(1) ? _jwt.KeyTtl / 10 : TimeSpan.FromHours(1);

    private async Task RotateAsync(DateTimeOffset startsAt, CancellationToken cancellationToken)
    {
        await _rotation.WaitAsync(cancellationToken);
        try
        {
            var algorithm = _options.SigningAlgorithm;
            if (_ring.Active(startsAt, algorithm) is not null)
            {
                return;
            }

            RingKey? created = null;
            var stored = await _store.AddSigningKeyUnlessAsync(keys =>
            {
                if (keys.Any(k => k.Algorithm == algorithm && k.CreatedAt <= startsAt && k.RetireAt > startsAt))
                {
                    return null; // another instance made it
                }

                created = RingKey.Create(algorithm, startsAt, startsAt + _jwt.KeyTtl, _protector, out var key);
                return key;
            }, cancellationToken);
            Rebuild(stored, created);
            if (created is not null)
            {
                Log.Rotated(_logger, created.Kid, created.Algorithm, created.CreatedAt, created.RetireAt);
            }
        }
        finally
        {
            _rotation.Release();
        }
    }

    /// <summary>The ring from the store's keys, keeping the keys already decrypted (callers hold the rotation lock).</summary>
    private void Rebuild(IReadOnlyList<StoredSigningKey> stored, RingKey? created = null)
    {
        var held = _ring.Keys.ToDictionary(k => k.Kid, StringComparer.Ordinal);
        if (created is not null)
        {
            held[created.Kid] = created;
        }

        var keys = ImmutableArray.CreateBuilder<RingKey>(stored.Count);
        foreach (var key in stored)
        {
            if (held.TryGetValue(key.Kid, out var known))
            {
                known.ExtendLastExpiry(key.LastExpiry);
                keys.Add(known);
                continue;
            }

            try
            {
                keys.Add(RingKey.Load(key, _protector));
            }
            catch (CryptographicException)
            {
                Log.KeyUnreadable(_logger, key.Kid);
                keys.Add(RingKey.PublicOnly(key));
            }
        }

        _ring = new Ring(keys.ToImmutable(), _time.GetUtcNow());
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

    /// <summary>
    /// Drops keys that no longer sign and whose last token has expired. The store has the last word:
    /// another instance of a shared store may have signed a longer-lived token with a key than this
    /// one knows of, and the store keeps such a key; the ring is then read again from the store.
    /// </summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var skew = _jwt.ClockSkew;
        var gone = _ring.Keys.Where(k => k.RetireAt <= now && k.LastExpiry != DateTimeOffset.MaxValue && k.LastExpiry + skew <= now).ToList();
        if (gone.Count == 0)
        {
            return;
        }

        foreach (var key in gone)
        {
            if (await _store.DeleteSigningKeyAsync(key.Kid, now - skew, cancellationToken))
            {
                Log.Pruned(_logger, key.Kid);
            }
        }

        // The keys deleted leave the ring; a key the store kept stays, with the last expiry it records.
        await ReloadAsync(cancellationToken);
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
                if (key.Credentials is not null && key.Algorithm == algorithm && key.CreatedAt <= now && key.RetireAt > now && (active is null || key.CreatedAt > active.CreatedAt))
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

        private RingKey(string kid, string algorithm, AsymmetricSecurityKey? privateKey, TrustedKey publicKey, string publicJwk,
            DateTimeOffset createdAt, DateTimeOffset retireAt, DateTimeOffset lastExpiry)
        {
            Kid = kid;
            Algorithm = algorithm;
            Credentials = privateKey is null ? null : new SigningCredentials(privateKey, algorithm);
            Public = publicKey;
            PublicJwk = publicJwk;
            CreatedAt = createdAt;
            RetireAt = retireAt;
            _lastExpiryMs = lastExpiry.ToUnixTimeMilliseconds();
        }

        public string Kid { get; }

        public string Algorithm { get; }

        /// <summary>The private key, or null when this instance cannot decrypt it (it only verifies).</summary>
        public SigningCredentials? Credentials { get; }

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

        /// <summary>A key whose private half cannot be decrypted here: its stored public JWK still verifies its tokens.</summary>
        public static RingKey PublicOnly(StoredSigningKey stored)
        {
            var jwk = JsonNode.Parse(stored.PublicJwk)!.AsObject();
            SecurityKey publicKey = stored.Algorithm == "ES256"
                ? new ECDsaSecurityKey(ECDsa.Create(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes((string)jwk["x"]!), Y = Base64UrlEncoder.DecodeBytes((string)jwk["y"]!) },
                })) { KeyId = stored.Kid }
                : new RsaSecurityKey(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes((string)jwk["n"]!), Exponent = Base64UrlEncoder.DecodeBytes((string)jwk["e"]!) }) { KeyId = stored.Kid };
            var trusted = new TrustedKey(stored.Kid, publicKey, FrozenSet.Create(StringComparer.Ordinal, stored.Algorithm), "AuthProxy signing keys");
            return new RingKey(stored.Kid, stored.Algorithm, null, trusted, stored.PublicJwk, stored.CreatedAt, stored.RetireAt, stored.LastExpiry);
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
        [LoggerMessage(EventId = LogEvents.SigningKeyRotated, Level = LogLevel.Information, Message = "New signing key {Kid} ({Algorithm}) signs from {CreatedAt:o} until {RetireAt:o}")]
        public static partial void Rotated(ILogger logger, string kid, string algorithm, DateTimeOffset createdAt, DateTimeOffset retireAt);

        [LoggerMessage(EventId = LogEvents.SigningKeyRemoved, Level = LogLevel.Information, Message = "Signing key {Kid} removed: it no longer signs and its last token has expired")]
        public static partial void Pruned(ILogger logger, string kid);

        [LoggerMessage(EventId = LogEvents.SigningKeyUnreadable, Level = LogLevel.Error, Message = "Signing key {Kid} cannot be decrypted with this instance's Data Protection keys: it verifies its tokens here but never signs; give every instance the same Data Protection keys")]
        public static partial void KeyUnreadable(ILogger logger, string kid);
    }
}
