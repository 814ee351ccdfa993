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
    /// <summary>The store, and Data Protection keeping its keys beside it (or where configured) to encrypt signing keys at rest.</summary>
    public static IServiceCollection AddAuthProxyStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<IAuthProxyStore>(sp => new SqliteStore(StorePaths.SqliteConnectionString(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
            sp.GetRequiredService<ILogger<SqliteStore>>()));

        services.AddDataProtection().SetApplicationName("AuthProxy");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StoreOptions>, IHostEnvironment, ILoggerFactory>((options, store, environment, loggers) =>
        {
            var directory = StorePaths.DataProtectionKeys(store.Value, environment.ContentRootPath);
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
