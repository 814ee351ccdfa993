using System.Data.Common;

namespace AuthProxy.Storage;

/// <summary>Parameterised commands on an open connection of either engine, in a transaction or not (parameters are named <c>@name</c>).</summary>
internal static class DbCommands
{
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql,
        (string, object?)[]? parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
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

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public static async Task<long> LongAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string, object?)[] parameters) =>
        Convert.ToInt64(await ScalarAsync(connection, transaction, sql, cancellationToken, parameters), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every statement of either engine is made here: text no engine can hold is refused before any is sent (<see cref="StoreText"/>).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string, object?)[] parameters)
    {
        StoreText.Ensure(parameters.Select(p => p.Item2));
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
