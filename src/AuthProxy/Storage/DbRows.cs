using System.Data.Common;

namespace AuthProxy.Storage;

/// <summary>How the store's rows read into records, and how times are kept (Unix milliseconds), in either engine.</summary>
internal static class DbRows
{
    public const string SelectToken = "SELECT token_hash, token_id, user_name, family, graph, issued_at, expires_at, kid, name, description, owner, revoked_at FROM issued_tokens";

    public const string SelectSecret = "SELECT user_name, alias, hash, masked, created_at FROM secrets";

    public static IssuedToken ReadToken(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<TokenFamily>(r.GetString(3)), Text(r, 4), Time(r, 5),
        r.IsDBNull(6) ? null : Time(r, 6), r.GetString(7), Text(r, 8), Text(r, 9), Text(r, 10), r.IsDBNull(11) ? null : Time(r, 11));

    public static BlockedToken ReadBlocked(DbDataReader r) => new(r.GetString(0), r.GetString(1), Time(r, 2));

    public static StoredSecret ReadSecret(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Time(r, 4));

    public static StoredSigningKey ReadSigningKey(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), (byte[])r[2], r.GetString(3), Time(r, 4), Time(r, 5), Time(r, 6));

    public static T? FirstOrNull<T>(IReadOnlyList<T> rows)
        where T : class => rows.Count > 0 ? rows[0] : null;

    public static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DateTimeOffset Time(DbDataReader r, int i)
    {
        var ms = r.GetInt64(i);
        return ms >= MaxMs ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    public static DateTimeOffset? OptionalTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);

    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset Later(DateTimeOffset time, TimeSpan by) => time >= DateTimeOffset.MaxValue - by ? DateTimeOffset.MaxValue : time + by;

    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();
}
