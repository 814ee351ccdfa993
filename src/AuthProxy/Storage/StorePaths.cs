using AuthProxy.Configuration;
using Microsoft.Data.Sqlite;

namespace AuthProxy.Storage;

/// <summary>Resolves the store's paths against the content root.</summary>
internal static class StorePaths
{
    /// <summary>The connection string with a relative SQLite data source made absolute under the content root.</summary>
    public static string SqliteConnectionString(StoreOptions options, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            builder.DataSource = "data/authproxy.db";
        }

        if (!Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        }

        return builder.ToString();
    }

    /// <summary>The Data Protection key folder: configured, or beside the SQLite file.</summary>
    public static string DataProtectionKeys(StoreOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.DataProtectionKeys))
        {
            return Path.GetFullPath(options.DataProtectionKeys, contentRoot);
        }

        var database = new SqliteConnectionStringBuilder(SqliteConnectionString(options, contentRoot)).DataSource;
        return Path.Combine(Path.GetDirectoryName(database) ?? contentRoot, "dataprotection-keys");
    }
}
