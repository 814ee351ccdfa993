using Microsoft.Data.Sqlite;

namespace AuthProxy.Storage;

/// <summary>Parameterised SQLite commands on an open connection, in a transaction or not.</summary>
internal static class SqliteCommands
{
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql,
        (string, object?)[]? parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters ?? []);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string, object?)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
