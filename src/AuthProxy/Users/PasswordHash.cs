using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace AuthProxy.Users;

/// <summary>
/// A parsed PHC string (<c>$argon2id$v=19$m=..,t=..,p=..$salt$hash</c> or
/// <c>$pbkdf2-sha256$i=..$salt$hash</c>). Verification is constant-time in the hash comparison.
/// </summary>
internal abstract class PasswordHash
{
    /// <summary>OWASP Password Storage Cheat Sheet: Argon2id with 19 MiB, 2 iterations, 1 lane.</summary>
    public const int Argon2MemoryKib = 19456;
    public const int Argon2Iterations = 2;
    public const int Argon2Parallelism = 1;

    /// <summary>OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 with 600,000 iterations.</summary>
    public const int Pbkdf2Iterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    protected PasswordHash(byte[] salt, byte[] hash)
    {
        Salt = salt;
        Hash = hash;
    }

    protected byte[] Salt { get; }

    protected byte[] Hash { get; }

    /// <summary>True when the parameters are below OWASP's current recommendation.</summary>
    public abstract bool IsBelowRecommendedStrength { get; }

    /// <summary>
    /// True when <paramref name="password"/> is the hashed one. An empty password never is: no hash this
    /// proxy makes holds one, and argon2id cannot hash it.
    /// </summary>
    public bool Verify(string password)
    {
        if (password.Length == 0)
        {
            return false;
        }

        var derived = Derive(password, Salt, Hash.Length);
        try
        {
            return CryptographicOperations.FixedTimeEquals(derived, Hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>The algorithm and cost, e.g. <c>argon2id m=19456,t=2,p=1</c>: hashes with equal parameters take equally long.</summary>
    public abstract string Parameters { get; }

    /// <summary>A hash of a random password with this hash's algorithm and cost, for equal-time refusals.</summary>
    public abstract PasswordHash CreateDecoy();

    protected abstract byte[] Derive(string password, byte[] salt, int length);

    public static string HashPassword(string password, PasswordAlgorithm algorithm = PasswordAlgorithm.Argon2id)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return algorithm switch
        {
            PasswordAlgorithm.Pbkdf2Sha256 => Pbkdf2PasswordHash.Format(Pbkdf2Iterations, salt,
                Pbkdf2PasswordHash.DeriveBytes(password, salt, Pbkdf2Iterations, HashBytes)),
            _ => Argon2idPasswordHash.Format(Argon2MemoryKib, Argon2Iterations, Argon2Parallelism, salt,
                Argon2idPasswordHash.DeriveBytes(password, salt, Argon2MemoryKib, Argon2Iterations, Argon2Parallelism, HashBytes)),
        };
    }

    public static bool TryParse(string? phc, out PasswordHash? hash, out string error)
    {
        hash = null;
        if (string.IsNullOrWhiteSpace(phc))
        {
            error = "the password hash is empty";
            return false;
        }

        var parts = phc.Split('$');
        // "$id$...": parts[0] is empty.
        if (parts.Length < 4 || parts[0].Length != 0)
        {
            error = "the password hash is not a PHC string ($algorithm$parameters$salt$hash); make one with 'hash-password'";
            return false;
        }

        switch (parts[1])
        {
            case "argon2id":
                return Argon2idPasswordHash.TryParse(parts, out hash, out error);
            case "pbkdf2-sha256":
                return Pbkdf2PasswordHash.TryParse(parts, out hash, out error);
            default:
                error = $"the password hash algorithm '{Truncate(parts[1])}' is not supported (use argon2id or pbkdf2-sha256)";
                return false;
        }
    }

    protected static bool TryDecode(string text, out byte[] bytes)
    {
        // PHC strings use standard base64 without padding; accept padding too.
        var trimmed = text.TrimEnd('=');
        var padded = trimmed.Length % 4 == 0 ? trimmed : trimmed + new string('=', 4 - (trimmed.Length % 4));
        bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        var utf8 = Encoding.ASCII.GetBytes(padded);
        if (Base64.DecodeFromUtf8(utf8, bytes, out _, out var written) != OperationStatus.Done || written == 0)
        {
            bytes = [];
            return false;
        }

        bytes = bytes[..written];
        return true;
    }

    protected static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    protected static bool TryParseParameters(string text, out Dictionary<string, int> values)
    {
        values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in text.Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !int.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            values[pair[..eq]] = value;
        }

        return true;
    }

    protected static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "...";

    protected static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    protected static string RandomPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private sealed class Argon2idPasswordHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash)
        : PasswordHash(salt, hash)
    {
        // Bounds keep a hostile or mistyped hash from making every login allocate gigabytes.
        private const int MaxMemoryKib = 1024 * 1024;
        private const int MaxIterations = 64;
        private const int MaxParallelism = 16;

        public override bool IsBelowRecommendedStrength =>
            memoryKib < Argon2MemoryKib || (memoryKib == Argon2MemoryKib && iterations < Argon2Iterations);

        public override string Parameters => FormattableString.Invariant($"argon2id m={memoryKib},t={iterations},p={parallelism}");

        public override PasswordHash CreateDecoy()
        {
            var decoySalt = NewSalt();
            return new Argon2idPasswordHash(memoryKib, iterations, parallelism, decoySalt,
                DeriveBytes(RandomPassword(), decoySalt, memoryKib, iterations, parallelism, Hash.Length));
        }

        protected override byte[] Derive(string password, byte[] salt, int length) =>
            DeriveBytes(password, salt, memoryKib, iterations, parallelism, length);

        public static byte[] DeriveBytes(string password, byte[] salt, int memoryKib, int iterations, int parallelism, int length)
        {
            var passwordBytes = Encoding.UTF8.GetBytes(password);
            try
            {
                using var argon = new Argon2id(passwordBytes)
                {
                    Salt = salt,
                    MemorySize = memoryKib,
                    Iterations = iterations,
                    DegreeOfParallelism = parallelism,
                };
                return argon.GetBytes(length);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(passwordBytes);
            }
        }

        public static string Format(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) =>
            string.Create(CultureInfo.InvariantCulture, $"$argon2id$v=19$m={memoryKib},t={iterations},p={parallelism}${Encode(salt)}${Encode(hash)}");

        public static bool TryParse(string[] parts, out PasswordHash? result, out string error)
        {
            result = null;
            // $argon2id$v=19$m=..,t=..,p=..$salt$hash
            if (parts.Length != 6 || parts[2] != "v=19")
            {
                error = "an argon2id hash must read $argon2id$v=19$m=M,t=T,p=P$salt$hash";
                return false;
            }

            if (!TryParseParameters(parts[3], out var p)
                || !p.TryGetValue("m", out var m) || !p.TryGetValue("t", out var t) || !p.TryGetValue("p", out var lanes) || p.Count != 3)
            {
                error = "the argon2id parameters must be m=M,t=T,p=P with positive integers";
                return false;
            }

            if (m > MaxMemoryKib || t > MaxIterations || lanes > MaxParallelism || m < 8 * lanes)
            {
                error = $"the argon2id parameters are out of range (m 8*p..{MaxMemoryKib}, t 1..{MaxIterations}, p 1..{MaxParallelism})";
                return false;
            }

            if (!TryDecode(parts[4], out var salt) || salt.Length < 8 || !TryDecode(parts[5], out var hash) || hash.Length < 16)
            {
                error = "the argon2id salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)";
                return false;
            }

            result = new Argon2idPasswordHash(m, t, lanes, salt, hash);
            error = string.Empty;
            return true;
        }
    }

    private sealed class Pbkdf2PasswordHash(int iterations, byte[] salt, byte[] hash) : PasswordHash(salt, hash)
    {
        private const int MaxIterations = 10_000_000;

        public override bool IsBelowRecommendedStrength => iterations < Pbkdf2Iterations;

        public override string Parameters => FormattableString.Invariant($"pbkdf2-sha256 i={iterations}");

        public override PasswordHash CreateDecoy()
        {
            var decoySalt = NewSalt();
            return new Pbkdf2PasswordHash(iterations, decoySalt, DeriveBytes(RandomPassword(), decoySalt, iterations, Hash.Length));
        }

        protected override byte[] Derive(string password, byte[] salt, int length) => DeriveBytes(password, salt, iterations, length);

        public static byte[] DeriveBytes(string password, byte[] salt, int iterations, int length) =>
            Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length);

        public static string Format(int iterations, byte[] salt, byte[] hash) =>
            string.Create(CultureInfo.InvariantCulture, $"$pbkdf2-sha256$i={iterations}${Encode(salt)}${Encode(hash)}");

        public static bool TryParse(string[] parts, out PasswordHash? result, out string error)
        {
            result = null;
            // $pbkdf2-sha256$i=..$salt$hash
            if (parts.Length != 5 || !TryParseParameters(parts[2], out var p) || !p.TryGetValue("i", out var i) || p.Count != 1)
            {
                error = "a pbkdf2-sha256 hash must read $pbkdf2-sha256$i=ITERATIONS$salt$hash";
                return false;
            }

            if (i > MaxIterations)
            {
                error = $"the pbkdf2-sha256 iteration count is out of range (1..{MaxIterations})";
                return false;
            }

            if (!TryDecode(parts[3], out var salt) || salt.Length < 8 || !TryDecode(parts[4], out var hash) || hash.Length < 16)
            {
                error = "the pbkdf2-sha256 salt or hash is not valid base64 of a usable length (salt >= 8 bytes, hash >= 16 bytes)";
                return false;
            }

            result = new Pbkdf2PasswordHash(i, salt, hash);
            error = string.Empty;
            return true;
        }
    }
}
