using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="StoreOptions"/>: its data annotations, and a connection string the engine can read.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    private readonly StoreOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            return annotations;
        }

        try
        {
            if (!options.IsPostgres)
            {
                ReadAsSqlite(options.ConnectionString);
            }
            else if (!NamesAServer(options.ConnectionString))
            {
                return ValidateOptionsResult.Fail(
                    $"{StoreOptions.SectionName}:ConnectionString must name the PostgreSQL server (Host=...;Database=...;Username=...) when the provider is PostgreSQL.");
            }
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.SectionName}:ConnectionString cannot be read: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }

    // One method per engine, never inlined: each engine's assembly loads only when that engine is configured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool NamesAServer(string? connectionString) =>
        !string.IsNullOrWhiteSpace(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Host);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadAsSqlite(string? connectionString) => _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
}
