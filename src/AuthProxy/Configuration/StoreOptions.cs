using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:Store</c>: where durable state lives (keys, token records, revocations, block lists, secrets).</summary>
public sealed class StoreOptions
{
    public const string SectionName = "AuthProxy:Store";

    /// <summary>The SQLite connection string used when none is given.</summary>
    public const string DefaultConnectionString = "Data Source=data/authproxy.db";

    /// <summary>
    /// The engine: <c>Sqlite</c> (embedded, one instance) or <c>PostgreSQL</c> (several instances
    /// sharing one database: one key ring, revocations and block lists on every instance within a
    /// second, one throttling budget).
    /// </summary>
    /// <value>The default value is <c>Sqlite</c>.</value>
    [Required]
    [RegularExpression("^(?i:sqlite|postgresql)$", ErrorMessage = "AuthProxy:Store:Provider must be Sqlite or PostgreSQL.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Whether the engine is PostgreSQL.</summary>
    internal bool IsPostgres => string.Equals(Provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The engine's connection string: a relative SQLite path is under the content root; for
    /// PostgreSQL, Npgsql's format (<c>Host=db;Database=authproxy;Username=authproxy;Password=...</c>),
    /// where AuthProxy's defaults apply unless given: <c>Timeout=5</c>, <c>Command Timeout=10</c>,
    /// <c>Keepalive=10</c>, <c>Application Name=AuthProxy</c>.
    /// </summary>
    /// <value>The default value is <c>Data Source=data/authproxy.db</c>.</value>
    [Required]
    public string ConnectionString { get; set; } = DefaultConnectionString;

    /// <summary>
    /// With PostgreSQL: how often an instance reads the change log even when no notification came,
    /// the longest a lost notification can delay a revocation on another instance.
    /// </summary>
    /// <value>The default value is 1 second; 100 milliseconds to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where ASP.NET Core Data Protection keeps the keys that encrypt AuthProxy's signing keys at
    /// rest. Keep it apart from the store (a volume or secret mount); a relative path is under the
    /// content root.
    /// </summary>
    /// <value>
    /// The default value is a <c>dataprotection-keys</c> folder beside the SQLite file; with
    /// PostgreSQL, the <c>dataprotection_keys</c> table of the shared database.
    /// </value>
    public string? DataProtectionKeys { get; set; }
}
