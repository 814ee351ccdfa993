using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:Store</c>: where durable state lives (keys, token records, revocations, block lists, secrets).</summary>
public sealed class StoreOptions
{
    public const string SectionName = "AuthProxy:Store";

    /// <summary>The engine: <c>Sqlite</c> (embedded). A PostgreSQL engine for several instances is planned.</summary>
    /// <value>The default value is <c>Sqlite</c>.</value>
    [Required]
    [RegularExpression("^(?i:sqlite)$", ErrorMessage = "AuthProxy:Store:Provider must be Sqlite (the only engine in this version).")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>The engine's connection string; a relative SQLite path is under the content root.</summary>
    /// <value>The default value is <c>Data Source=data/authproxy.db</c>.</value>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/authproxy.db";

    /// <summary>
    /// Where ASP.NET Core Data Protection keeps the keys that encrypt AuthProxy's signing keys at
    /// rest. Keep it apart from the store (a volume or secret mount); a relative path is under the
    /// content root.
    /// </summary>
    /// <value>The default value is a <c>dataprotection-keys</c> folder beside the SQLite file.</value>
    public string? DataProtectionKeys { get; set; }
}

/// <summary><c>AuthProxy:Tokens</c>: AuthProxy's own tokens.</summary>
public sealed class OwnTokenOptions
{
    public const string SectionName = "AuthProxy:Tokens";

    /// <summary>The <c>iss</c> of tokens AuthProxy issues; it must differ from every trusted provider's issuer.</summary>
    /// <value>The default value is <c>AuthProxy</c>.</value>
    [Required]
    public string Issuer { get; set; } = "AuthProxy";

    /// <summary>How AuthProxy signs: <c>RS256</c> (RSA 2048) or <c>ES256</c> (P-256).</summary>
    /// <value>The default value is <c>RS256</c>.</value>
    [RegularExpression("^(RS256|ES256)$", ErrorMessage = "AuthProxy:Tokens:SigningAlgorithm must be RS256 or ES256.")]
    public string SigningAlgorithm { get; set; } = "RS256";
}

/// <summary><c>AuthProxy:Throttling</c>: failed password and secret attempts, per account and per client address.</summary>
public sealed class ThrottlingOptions
{
    public const string SectionName = "AuthProxy:Throttling";

    /// <summary>Failed attempts allowed per account within <see cref="Window"/>; then the account is refused (429) until the window slides.</summary>
    /// <value>The default value is 10; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int AccountFailures { get; set; } = 10;

    /// <summary>Failed attempts allowed per client address within <see cref="Window"/>.</summary>
    /// <value>The default value is 50; 1 to 100000.</value>
    [Range(1, 100_000)]
    public int AddressFailures { get; set; } = 50;

    /// <summary>The sliding window the failures are counted over; also the longest a lock-out lasts.</summary>
    /// <value>The default value is 1 minute; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed attempts allowed per declared user within <see cref="Window"/> from all addresses
    /// together (guessing spread over many addresses). An address that logged in as that user
    /// successfully in the last day is exempt, so the real user is not locked out.
    /// </summary>
    /// <value>The default value is 100; 1 to 1000000.</value>
    [Range(1, 1_000_000)]
    public int AccountWideFailures { get; set; } = 100;

    /// <summary>
    /// Password hashes computed at once. A hash costs tens of milliseconds and, with Argon2id, about
    /// 19 MiB; attempts beyond this are refused at once (429, <c>Retry-After: 1</c>) instead of queuing.
    /// </summary>
    /// <value>The default value is 4; 1 to 256.</value>
    [Range(1, 256)]
    public int MaxConcurrentHashes { get; set; } = 4;
}

/// <summary><c>AuthProxy:TokenServices</c>: which token services AuthProxy hosts. A service that is off leaves its paths to the routes file.</summary>
public sealed class TokenServicesOptions
{
    public const string SectionName = "AuthProxy:TokenServices";

    /// <summary>TigerGraph's <c>/gsql/v1/tokens</c> and <c>/gsql/v1/secrets</c>.</summary>
    /// <value>The default value is true.</value>
    public bool Gsql { get; set; } = true;

    /// <summary>GridGain 9's <c>/management/v1/authentication/*</c>.</summary>
    /// <value>The default value is true.</value>
    public bool GridGain { get; set; } = true;

    /// <summary>DataHub's personal access tokens at <c>/api/graphql</c>.</summary>
    /// <value>The default value is true.</value>
    public bool DataHub { get; set; } = true;

    /// <summary>
    /// Browser origins (<c>https://host[:port]</c>) besides AuthProxy's own that may call the token
    /// services' state-changing endpoints. Every other cross-site request to them is refused.
    /// </summary>
    /// <value>The default value is empty: same-origin browser requests and non-browser clients only.</value>
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary><c>AuthProxy:PersonalTokens</c>: DataHub-style personal access tokens.</summary>
public sealed class PersonalTokenOptions
{
    public const string SectionName = "AuthProxy:PersonalTokens";

    /// <summary>
    /// Whether tokens that never expire (<c>NO_EXPIRY</c>) may be created. Off unless the operator
    /// chooses it: a token that never expires also keeps its signing key in the JWKS forever.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowNoExpiry { get; set; }

    /// <summary>The longest duration a token may be created with; longer ones (and <c>NO_EXPIRY</c>) are refused.</summary>
    /// <value>The default value is none: any of DataHub's durations.</value>
    public TimeSpan? MaxDuration { get; set; }
}
