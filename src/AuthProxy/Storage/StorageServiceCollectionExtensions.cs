using AuthProxy.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Storage;

/// <summary>Registers the store.</summary>
internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The store of the configured engine, what follows its change log, and Data Protection (which
    /// encrypts signing keys at rest) keeping its keys where every instance of the store finds them:
    /// a folder beside the SQLite file, the PostgreSQL database, or a configured folder.
    /// </summary>
    public static IServiceCollection AddAuthProxyStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<IAuthProxyStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.IsPostgres
                ? new PostgresStore(options.ConnectionString, time)
                : new SqliteStore(StorePaths.SqliteConnectionString(options, sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
                    sp.GetRequiredService<ILogger<SqliteStore>>(), time);
        });
        services.TryAddSingleton<StoreStatus>();
        services.TryAddSingleton<StoreChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreChangeFeed>());

        services.AddDataProtection().SetApplicationName("AuthProxy");
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            if (store.IsPostgres && string.IsNullOrWhiteSpace(store.DataProtectionKeys))
            {
                options.XmlRepository = new PostgresXmlRepository((PostgresStore)sp.GetRequiredService<IAuthProxyStore>());
                return;
            }

            var directory = StorePaths.DataProtectionKeys(store, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), loggers);
        });
        return services;
    }
}
