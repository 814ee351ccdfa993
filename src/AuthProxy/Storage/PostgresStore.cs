using System.Data;
using System.Data.Common;
using System.Globalization;
using Npgsql;
using static AuthProxy.Storage.DbCommands;

namespace AuthProxy.Storage;

/// <summary>
/// The store several instances share: a PostgreSQL database, reached through one Npgsql data
/// source (a connection pool). Writes are serialised by a transaction-scoped advisory lock, as
/// SQLite's write lock serialises them, so caps and first-writer-wins settings hold across
/// instances. Each write that changes what instances hold in memory notifies the
/// <see cref="ChannelName"/> channel at commit; <see cref="StoreChangeFeed"/> listens to it and
/// also reads the change log by sequence, so a lost notification delays nothing past one poll.
/// The schema is created and migrated on start under an advisory lock, so instances starting
/// together migrate once.
/// </summary>
internal sealed class PostgresStore : SqlStore
{
    /// <summary>The <c>LISTEN</c>/<c>NOTIFY</c> channel of committed changes (the payload is the sequence).</summary>
    public const string ChannelName = "authproxy_changes";

    /// <summary>The advisory lock every write holds until it commits.</summary>
    internal const long WriteLock = 0x4175_7468_5072_0001;

    /// <summary>The advisory lock the schema migration holds.</summary>
    internal const long MigrationLock = 0x4175_7468_5072_0002;

    /// <summary>The advisory lock an instance holds while it starts.</summary>
    internal const long StartupLock = 0x4175_7468_5072_0003;

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">An Npgsql connection string. Without its own timeouts, connecting gives up after 5 s and a statement after 10 s.</param>
    /// <param name="time">The clock of the change log's entries.</param>
    public PostgresStore(string connectionString, TimeProvider? time = null)
        : base(time)
    {
        ConnectionString = WithDefaults(connectionString);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The connection string in use (with AuthProxy's defaults filled in).</summary>
    public string ConnectionString { get; }

    /// <summary>The host and database, for messages (never the password).</summary>
    public string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    protected override string Greatest => "greatest";

    protected override IsolationLevel SnapshotIsolation => IsolationLevel.RepeatableRead;

    public override Task InitializeAsync(CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await PostgresSchema.MigrateAsync((NpgsqlConnection)connection, Description, cancellationToken);
            return true;
        });

    /// <summary>The advisory lock of a session, held while an instance starts.</summary>
    public override async Task<IAsyncDisposable> HoldStartLockAsync(CancellationToken cancellationToken) =>
        await RunAsync<IAsyncDisposable>(async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            try
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_lock(@lock);", cancellationToken, ("@lock", StartupLock));
                return new StartLock(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        });

    /// <summary>A connection of its own, outside the pool's statements, for <c>LISTEN</c>.</summary>
    public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = _dataSource.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new StoreUnavailableException("The store cannot be reached: " + ex.Message, ex);
        }
    }

    /// <summary>Runs statements on a pooled connection, as the store's own methods do (for the Data Protection key table and the shared budgets).</summary>
    public Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work((NpgsqlConnection)connection);
        });

    /// <summary>
    /// Records that instance <paramref name="instance"/> is alive now, forgets instances silent for
    /// long, and returns how many beat within <paramref name="lifetime"/> (this one included) and
    /// this instance's rank among them (how many live ones have a smaller id): per-route limits
    /// split their permits by it (see <see cref="Limits.FleetShare"/>).
    /// </summary>
    public Task<(int Count, int Rank)> HeartbeatAsync(string instance, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var ms = now.ToUnixTimeMilliseconds();
            await ExecuteAsync(connection, null, """
                INSERT INTO instances (id, started_at, seen_at) VALUES (@id, @now, @now) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at;
                DELETE FROM instances WHERE seen_at < @forget;
                """, cancellationToken, ("@id", instance), ("@now", ms), ("@forget", ms - (long)(10 * lifetime).TotalMilliseconds));
            var since = ms - (long)lifetime.TotalMilliseconds;
            var count = (int)await LongAsync(connection, null, "SELECT count(*) FROM instances WHERE seen_at > @since OR id = @id;", cancellationToken,
                ("@since", since), ("@id", instance));
            var rank = (int)await LongAsync(connection, null, "SELECT count(*) FROM instances WHERE seen_at > @since AND id < @id;", cancellationToken,
                ("@since", since), ("@id", instance));
            return (count, rank);
        }, cancellationToken);

    /// <summary>Removes an instance's heartbeat as it stops, so the others count one fewer at once.</summary>
    public Task LeaveAsync(string instance, CancellationToken cancellationToken) =>
        WithConnectionAsync(connection => ExecuteAsync(connection, null, "DELETE FROM instances WHERE id = @id;", cancellationToken, ("@id", instance)), cancellationToken);

    public override void Dispose()
    {
        _dataSource.Dispose();
        base.Dispose();
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("@lock", WriteLock));
        return transaction;
    }

    protected override Task NotifyAsync(DbConnection connection, DbTransaction transaction, long sequence, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"SELECT pg_notify('{ChannelName}', @seq);", cancellationToken, ("@seq", sequence.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Npgsql's transient failures (network, timeouts, server shutting down or overloaded). The
    /// pool's idle connections are dropped then: after a server restart they are all dead, and the
    /// next statements must not fail on them one by one.
    /// </summary>
    protected override bool IsUnavailable(Exception exception)
    {
        if (!IsTransient(exception))
        {
            return false;
        }

        ClearPool();
        return true;
    }

    /// <summary>Drops the pool's idle connections (the feed does so when it reconnects).</summary>
    public void ClearPool() => _dataSource.Clear();

    /// <summary>
    /// Whether a failure is Npgsql's. Code that runs with either engine asks here rather than naming
    /// Npgsql's types itself, so an instance on SQLite never loads that assembly.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static bool IsPostgresError(Exception exception) => exception is NpgsqlException;

    /// <summary>Whether a failure is the server being unreachable or overloaded now.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        PostgresException { SqlState: var state } => state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal)
            || state.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or TimeoutException } => true,
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// AuthProxy's defaults where the operator set none: a short connect timeout and statement
    /// timeout (a store in trouble is answered with 503 quickly, not after 30 s), keepalives that
    /// find a dead connection, and the application name PostgreSQL shows.
    /// </summary>
    private static string WithDefaults(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!given.ContainsKey("Command Timeout"))
        {
            builder.CommandTimeout = 10;
        }

        if (!given.ContainsKey("Keepalive"))
        {
            builder.KeepAlive = 10;
        }

        if (!given.ContainsKey("Application Name"))
        {
            builder.ApplicationName = "AuthProxy";
        }

        return builder.ConnectionString;
    }

    /// <summary>Lets go of the start lock (closing the session would too).</summary>
    private sealed class StartLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await ExecuteAsync(connection, null, "SELECT pg_advisory_unlock(@lock);", CancellationToken.None, ("@lock", PostgresStore.StartupLock));
            }
            catch (NpgsqlException)
            {
                // The session is gone, and its lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
