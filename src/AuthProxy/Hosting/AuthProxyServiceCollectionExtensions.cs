using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Forwarding;
using AuthProxy.Health;
using AuthProxy.Keys;
using AuthProxy.Policy;
using AuthProxy.Routing;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using AuthProxy.Tokens;
using AuthProxy.Tokens.DataHub;
using AuthProxy.Users;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Hosting;

/// <summary>Registers AuthProxy's services.</summary>
public static class AuthProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the enforcement point: options, users, trusted issuers, the Bearer and Basic schemes,
    /// the routes file as YARP's configuration, and AuthProxy's policies.
    /// </summary>
    public static IServiceCollection AddAuthProxy(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        AddOptions<AuthProxyOptions, AuthProxyOptionsValidator>(services, configuration, AuthProxyOptions.SectionName);
        services.AddOptions<EnforcementOptions>().Bind(configuration.GetSection(EnforcementOptions.SectionName));
        services.AddOptions<JwtOptions>().Bind(configuration.GetSection(JwtOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtProvidersValidator>());

        services.AddOptions<KeyFetchOptions>().Bind(configuration.GetSection(KeyFetchOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyFetchOptions>, KeyFetchOptionsDataValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyFetchOptions>, KeyFetchOptionsValidator>());

        AddOptions<GsqlTokenOptions, GsqlTokenOptionsValidator>(services, configuration, GsqlTokenOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GsqlTokenOptions>, GsqlTokenLifetimeValidator>());
        AddOptions<LimitsOptions, LimitsOptionsValidator>(services, configuration, LimitsOptions.SectionName);
        AddOptions<StoreOptions, StoreOptionsValidator>(services, configuration, StoreOptions.SectionName);
        AddOptions<OwnTokenOptions, OwnTokenOptionsValidator>(services, configuration, OwnTokenOptions.SectionName);
        AddOptions<ThrottlingOptions, ThrottlingOptionsValidator>(services, configuration, ThrottlingOptions.SectionName);
        services.TryAddSingleton(sp => ManagementListener.Read(sp.GetRequiredService<IConfiguration>()));
        AddOptions<ManagementOptions, ManagementOptionsValidator>(services, configuration, ManagementOptions.SectionName);
        AddOptions<GraphQLOptions, GraphQLOptionsValidator>(services, configuration, GraphQLOptions.SectionName);
        services.AddOptions<TokenServicesOptions>().Bind(configuration.GetSection(TokenServicesOptions.SectionName));
        services.AddOptions<PersonalTokenOptions>().Bind(configuration.GetSection(PersonalTokenOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<AuthProxyMetrics>();
        services.TryAddSingleton<DecisionTelemetry>();
        services.TryAddSingleton<KeyHttp>();
        services.TryAddSingleton<KeyFetcher>();
        services.TryAddSingleton<KeySourceFactory>();
        var providers = JwtProviders.Read(configuration);
        services.AddOptions<JwtProvidersOptions>().Configure(o => o.Providers = providers);
        KeyHttp.Register(services, providers.Where(p => p.CaCertificate is not null).Select(p => p.Name));
        services.AddHostedService<KeyRefreshService>();

        AddStore(services);
        services.TryAddSingleton(sp =>
        {
            var revocations = new RevocationList();
            sp.GetRequiredService<AuthProxyMetrics>().ObserveRevocations(() => revocations.Count);
            return revocations;
        });
        services.TryAddSingleton<SigningKeyRing>();
        services.TryAddSingleton<SecretHasher>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<TokenRevoker>();
        services.TryAddSingleton<LoginThrottle>();
        services.AddHostedService<TokenMaintenanceService>();
        services.AddHostedService<RemovedUserCleanup>();

        services.TryAddSingleton<Tokens.Gsql.GsqlTokenService>();
        services.TryAddSingleton<Tokens.Gsql.GsqlSecretService>();
        services.TryAddSingleton<Tokens.GridGain.GridGainAuthService>();
        services.TryAddSingleton<PersonalTokenService>();
        services.TryAddSingleton<ISchema, AccessTokenSchema>();
        services.TryAddSingleton<IDocumentExecuter, DocumentExecuter>();
        services.TryAddSingleton<IGraphQLTextSerializer, GraphQLSerializer>();
        services.TryAddSingleton<GraphQLRequestHandler>();
        services.AddHealthChecks()
            .AddCheck<KeysReadyCheck>("keys", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<StoreReadyCheck>("store", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<RoutesReadyCheck>("routes", tags: [HealthEndpoints.ReadyTag]);
        services.AddHostedService<Settings.SettingsWatcher>();
        services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = configuration.GetValue($"{AuthProxyOptions.SectionName}:ShutdownTimeout", TimeSpan.FromSeconds(30)));
        services.TryAddSingleton<UserDirectory>();
        services.TryAddSingleton<PasswordVerifier>();
        services.TryAddSingleton<CredentialCheck>();
        services.TryAddSingleton<TrustedIssuers>();
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<ActiveRoutes>();
        services.TryAddSingleton<RoutesFileLoader>();

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(AuthSchemes.Bearer, configureOptions: null)
            .AddScheme<AuthenticationSchemeOptions, BasicHandler>(AuthSchemes.Basic, configureOptions: null);

        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, AuthPolicyProvider>());
        services.Replace(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusalResultHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AuthPolicyHandler>());

        services.AddReverseProxy().AddTransforms<ForwardingTransformProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<ActiveRoutes>());

        return services;
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }

    /// <summary>The store, and Data Protection keeping its keys beside it (or where configured) to encrypt signing keys at rest.</summary>
    private static void AddStore(IServiceCollection services)
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
    }
}
