using System.Data.Common;
using Microsoft.Data.Sqlite;
using static AuthProxy.Storage.DbCommands;

namespace AuthProxy.Storage;

/// <summary>
/// The embedded store, for one instance: one SQLite file in WAL mode with <c>synchronous=FULL</c>,
/// so a write is on disk when its method returns and a crash loses nothing acknowledged. Writers
/// take the write lock up front (<c>BEGIN IMMEDIATE</c>) and wait for each other (busy timeout).
/// The schema is created and migrated on start (<c>PRAGMA user_version</c>). An instance holds the
/// file for itself (<see cref="SqliteInstanceLock"/>): a second one on the same file refuses to
/// start, since nothing would tell it of the first one's revocations and keys.
/// </summary>
internal sealed class SqliteStore : SqlStore
{
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private SqliteInstanceLock? _lock;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string; the data source must be a file.</param>
    /// <param name="logger">Where a tightened file mode is reported.</param>
    /// <param name="time">The clock of the change log's entries.</param>
    public SqliteStore(string connectionString, ILogger<SqliteStore>? logger = null, TimeProvider? time = null)
        : base(time)
    {
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    /// <summary>The database file.</summary>
    public string DataSource { get; }

    protected override string Greatest => "max";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(DataSource);
        SqliteFiles.Prepare(path, _logger);
        _lock ??= SqliteInstanceLock.Acquire(path);
        await RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
            await SqliteSchema.MigrateAsync((SqliteConnection)connection, DataSource, cancellationToken);
            return true;
        });
    }

    public override void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
        base.Dispose();
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <summary>One instance per file: nobody else to tell.</summary>
    protected override Task NotifyAsync(DbConnection connection, DbTransaction transaction, long sequence, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Busy or locked past the timeout, an I/O error, a full disk, a file that cannot be opened.</summary>
    protected override bool IsUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 or 10 or 13 or 14 };
}
