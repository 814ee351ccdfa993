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
