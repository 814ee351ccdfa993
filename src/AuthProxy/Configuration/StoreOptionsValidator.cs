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
            if (options.IsPostgres)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.Host))
                {
                    return ValidateOptionsResult.Fail(
                        $"{StoreOptions.SectionName}:ConnectionString must name the PostgreSQL server (Host=...;Database=...;Username=...) when the provider is PostgreSQL.");
                }
            }
            else
            {
                _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString);
            }
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.SectionName}:ConnectionString cannot be read: {ex.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
