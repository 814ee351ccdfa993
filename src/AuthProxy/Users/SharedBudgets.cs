using AuthProxy.Storage;
using Npgsql;

namespace AuthProxy.Users;

/// <summary>
/// Throttling budgets kept in a shared PostgreSQL store, so a guesser who spreads attempts over
/// several instances still gets one budget: an attempt reserves one unit of each budget it touches
/// in one transaction that first takes an advisory lock per budget (in a fixed order, so two
/// reservations never wait on each other in a cycle), counts the budget's sliding window, and adds
/// the unit only when every budget has room. Segments are numbered from the clock, as
/// <see cref="LoginThrottle"/> numbers its own, so every instance counts the same windows.
/// </summary>
internal sealed class SharedBudgets(PostgresStore store)
{
    /// <summary>The advisory lock class of budgets (the second half is the budget's hash).</summary>
    private const int LockClass = 0x4150_0004;

    private long _purgedBefore;

    /// <summary>
    /// Reserves one unit of each budget in segment <paramref name="segment"/>; returns the index of
    /// the first budget that was spent (nothing reserved then), or -1 when all were reserved.
    /// </summary>
    public Task<int> TryReserveAsync(IReadOnlyList<(string Key, int Budget)> budgets, long segment, CancellationToken cancellationToken) =>
        store.WithConnectionAsync(async connection =>
        {
            var keys = budgets.Select(b => b.Key).ToArray();
            var oldest = segment - FailureWindow.Segments;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var locks = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, hashtext(k)) FROM unnest(@keys) AS k ORDER BY k", connection, transaction))
            {
                locks.Parameters.AddWithValue("class", LockClass);
                locks.Parameters.AddWithValue("keys", keys);
                await locks.ExecuteNonQueryAsync(cancellationToken);
            }

            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var count = new NpgsqlCommand(
                "SELECT budget_key, sum(attempts) FROM throttle_budgets WHERE budget_key = ANY(@keys) AND segment > @oldest GROUP BY budget_key", connection, transaction))
            {
                count.Parameters.AddWithValue("keys", keys);
                count.Parameters.AddWithValue("oldest", oldest);
                await using var reader = await count.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    counts[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            for (var i = 0; i < budgets.Count; i++)
            {
                if (counts.GetValueOrDefault(budgets[i].Key) >= budgets[i].Budget)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return i;
                }
            }

            await using (var add = new NpgsqlCommand("""
                INSERT INTO throttle_budgets (budget_key, segment, attempts) SELECT k, @segment, 1 FROM unnest(@keys) AS k
                ON CONFLICT (budget_key, segment) DO UPDATE SET attempts = throttle_budgets.attempts + 1
                """, connection, transaction))
            {
                add.Parameters.AddWithValue("keys", keys);
                add.Parameters.AddWithValue("segment", segment);
                await add.ExecuteNonQueryAsync(cancellationToken);
            }

            if (Interlocked.Exchange(ref _purgedBefore, oldest) < oldest)
            {
                // Once a segment: windows that slid past are of no use to anyone.
                await using var purge = new NpgsqlCommand("DELETE FROM throttle_budgets WHERE segment <= @oldest", connection, transaction);
                purge.Parameters.AddWithValue("oldest", oldest);
                await purge.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return -1;
        }, cancellationToken);

    /// <summary>Gives back one unit of each budget (the attempt succeeded or did not happen).</summary>
    public Task RefundAsync(IReadOnlyList<string> keys, long segment, CancellationToken cancellationToken) =>
        store.WithConnectionAsync(async connection =>
        {
            await using var refund = new NpgsqlCommand(
                "UPDATE throttle_budgets SET attempts = greatest(attempts - 1, 0) WHERE budget_key = ANY(@keys) AND segment = @segment", connection);
            refund.Parameters.AddWithValue("keys", keys.ToArray());
            refund.Parameters.AddWithValue("segment", segment);
            return await refund.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}
