using AuthProxy.Configuration;
using AuthProxy.Keys;
using AuthProxy.Routing;
using AuthProxy.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>
/// <c>config validate</c>: builds the application from the same command line, environment and
/// files a start would read, and loads settings, keys (key URLs fetched, each first answer awaited),
/// users and routes the same way, without opening the store and without listening. Lists every
/// problem on standard error and exits 2, or prints what it read and exits 0.
/// </summary>
internal static class ConfigValidation
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var app = AuthProxyApp.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            // Nothing is encrypted here: an ephemeral provider keeps Data Protection from making its keys folder.
            builder.Services.Replace(ServiceDescriptor.Singleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider()));
        });
        await using (app)
        {
            var services = app.Services;
            var problems = await AuthProxyApp.LoadAsync(services, StartupMode.Validate, CancellationToken.None);
            if (problems.Count > 0)
            {
                await error.WriteLineAsync($"{problems.Count} configuration problem(s):");
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync("  - " + problem);
                }

                return 2;
            }

            await output.WriteLineAsync("The configuration is valid: a start would read it without problems.");
            foreach (var line in Summary(services, args))
            {
                await output.WriteLineAsync("  " + line);
            }

            foreach (var warning in Warnings(services))
            {
                await output.WriteLineAsync("warning: " + warning);
            }

            return 0;
        }
    }

    private static IEnumerable<string> Summary(IServiceProvider services, string[] args)
    {
        var environment = services.GetRequiredService<IHostEnvironment>();
        var settings = Settings.SettingsFile.Resolve(args, environment.ContentRootPath);
        yield return $"settings: {settings}{(File.Exists(settings) ? string.Empty : " (no such file: defaults, environment and command line only)")}";

        var routes = services.GetRequiredService<ActiveRoutes>().Current;
        yield return $"routes:   {services.GetRequiredService<RoutesFileLoader>().FilePath}: {routes.Routes.Count} route(s), {routes.Clusters.Count} cluster(s), "
            + $"{routes.Policies.Count} polic{(routes.Policies.Count == 1 ? "y" : "ies")}";

        var users = services.GetRequiredService<UserDirectory>();
        yield return $"users:    {users.Count}{(users.Count == 0 ? string.Empty : $" ({string.Join(", ", users.Names.Order(StringComparer.Ordinal))})")}";

        var sources = services.GetRequiredService<TrustedIssuers>().All.Where(i => !i.IsAuthProxy).SelectMany(i => i.Sources).ToList();
        if (sources.Count == 0)
        {
            yield return "keys:     none (only AuthProxy's own tokens verify)";
        }

        foreach (var source in sources)
        {
            yield return $"keys:     {source.Description}: {source.Current.Keys.Length} key(s)";
        }

        yield return $"store:    {services.GetRequiredService<IOptions<StoreOptions>>().Value.Provider}, not opened (config validate writes nothing)";
    }

    private static IEnumerable<string> Warnings(IServiceProvider services)
    {
        if (!services.GetRequiredService<IOptions<EnforcementOptions>>().Value.EnableAuth)
        {
            yield return "RESTPP:Factory:EnableAuth is false: every route would be proxied without authentication";
        }
        else if (services.GetRequiredService<UserDirectory>().Count == 0)
        {
            yield return "no users are declared (Users): every credential would be refused, only anonymous routes could be used";
        }
    }
}
