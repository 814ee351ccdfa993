using Microsoft.Extensions.Configuration.Memory;
using AuthProxy.Configuration;
using AuthProxy.Errors;
using AuthProxy.Forwarding;
using AuthProxy.Health;
using AuthProxy.Keys;
using AuthProxy.Parameters;
using AuthProxy.Routing;
using AuthProxy.Storage;
using AuthProxy.Telemetry;
using AuthProxy.Tokens;
using AuthProxy.Tokens.DataHub;
using AuthProxy.Tokens.GridGain;
using AuthProxy.Tokens.Gsql;
using AuthProxy.Policy;
using AuthProxy.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>Builds the AuthProxy web application: configuration, services, pipeline, and the start-up checks.</summary>
public static partial class AuthProxyApp
{
    /// <summary>Command-line switches beyond ASP.NET Core's <c>--Key=Value</c> form.</summary>
    /// <summary>The keys by which ASP.NET Core's <c>UseAuthentication</c> and <c>UseAuthorization</c> mark a pipeline as having them.</summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--routes"] = $"{AuthProxyOptions.SectionName}:{nameof(AuthProxyOptions.RoutesFile)}",
        [Settings.SettingsFile.Switch] = "AuthProxy:SettingsFile",
    };

    /// <summary>
    /// Creates the application and loads everything it needs (keys, users, routes). Throws
    /// <see cref="ConfigurationProblemsException"/> listing every problem when it cannot start.
    /// </summary>
    /// <param name="args">The command line: <c>--routes FILE</c> and any ASP.NET Core configuration.</param>
    /// <param name="configure">Lets a host embedding AuthProxy (or a test) adjust the builder.</param>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = Build(args, configure);
        await InitializeAsync(app); // validates every option before the pipeline reads any
        ConfigurePipeline(app);
        return app;
    }

    /// <summary>The application with every service registered, nothing loaded yet and nothing listening (<c>config validate</c> stops here).</summary>
    internal static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure)
    {
        // The slim builder leaves out what a proxy in front of HTTP/1.1 and HTTP/2 backends never uses:
        // IIS integration, HTTP/3 (QUIC) and the Debug logger. Each would load its assemblies and code at
        // start, and keep them resident. Kestrel's HTTPS endpoints from configuration, the console's
        // json and systemd formats, the EventSource logger (dotnet-trace), the trace ids of log scopes
        // and routing's regex and alpha constraints are put back, as the full builder has them.
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.AddConsole().AddEventSourceLogger()
            .Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.SpanId | ActivityTrackingOptions.TraceId | ActivityTrackingOptions.ParentId);
        // The slim builder names the console's format ("simple"); the full builder leaves it unnamed, so
        // Logging:Console's own FormatterName, or its older keys (IncludeScopes, TimestampFormat,
        // Format=Systemd), decide. Put back as the full builder has it.
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.FormatterName = null)
            .Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(builder.Configuration.GetSection("Logging:Console"));
        builder.Services.AddRouting();
        var settingsPath = Settings.SettingsFile.Resolve(args, builder.Environment.ContentRootPath);
        var settingsFiles = Settings.SettingsFile.Add(builder.Configuration, settingsPath);
        builder.Services.AddSingleton(_ => new Settings.SettingsFileLease(settingsFiles));
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        if (Environment.GetEnvironmentVariable("SSL_CA_CERT") is { Length: > 0 } caBundle && builder.Configuration["Security:JWT:CaCertificate"] is null)
        {
            builder.Configuration["Security:JWT:CaCertificate"] = caBundle;
        }

        // Before anything binds a setting: a value that does not read as its type is a problem line, not an exception.
        var typed = Settings.TypedSettings.CheckAndHide(builder.Configuration, builder.Configuration);
        builder.Services.AddSingleton(new Settings.TypedSettingsProblems([.. Settings.SettingsFile.Problems(builder.Configuration, settingsPath), .. typed]));

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Defaults under every other source, so appsettings, environment and command line still decide:
        // per-request framework lines and the key fetcher's HTTP client lines are noise (fetches log their own outcome),
        // and YARP's forwarding failures carry a stack trace a client can provoke (AuthProxy logs each failure in one line, event 1501).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Polly"] = "Warning",
                ["Logging:LogLevel:Yarp.ReverseProxy.Forwarder.HttpForwarder"] = "Error",
                // The access line tells each refusal once; ASP.NET's "was not authenticated" lines would repeat it.
                ["Logging:LogLevel:AuthProxy.Authentication.BasicHandler"] = "Warning",
                // Readiness changes are logged once each (Health/ReadinessLog), not every failing /readyz poll.
                ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
            },
        });
        builder.Services.AddAuthProxy(builder.Configuration);
        builder.AddAuthProxyOpenTelemetry();
        configure?.Invoke(builder);

        // Read before the management addresses join Kestrel's, so the validator compares them with the operator's main listener.
        var management = ManagementListener.Read(builder.Configuration);
        builder.Services.Replace(ServiceDescriptor.Singleton(management));
        management.Listen(builder.Configuration);

        var app = builder.Build();
        app.Services.GetRequiredService<Settings.SettingsFileLease>(); // created by the container, so disposed with the application
        return app;
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        // WebApplication puts UseAuthentication and UseAuthorization in front of the whole pipeline
        // unless the app places them. Authentication runs inside authorization, with each policy's
        // schemes (there is no default scheme, so a middleware of its own would only cost every
        // request), and authorization is PolicyDecisionMiddleware, placed below.
        IApplicationBuilder builder = app;
        builder.Properties[AuthenticationMiddlewareSetKey] = true;
        builder.Properties[AuthorizationMiddlewareSetKey] = true;
        if (ForwardedHeaders(app.Services.GetRequiredService<IOptions<AuthProxyOptions>>().Value) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        app.UseMiddleware<AccessLogMiddleware>(); // after the client address is known, around everything that can refuse

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // The store's outage is logged once by the change feed (event 1802), not once per refused write.
            // A client's text the store cannot hold is the client's mistake, answered 400: no error log for it.
            SuppressDiagnosticsCallback = context => context.Exception is StoreUnavailableException or StoreTextException,
            ExceptionHandler = context =>
            {
                return RefusalWriter.WriteAsync(context, Failure(context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error));
            },
        });
        app.UseMiddleware<PathGuardMiddleware>();
        app.UseRouting();
        app.UseMiddleware<UnmatchedRequestMiddleware>();
        if (app.Services.GetRequiredService<ManagementListener>().Enabled)
        {
            app.UseMiddleware<ManagementListenerMiddleware>();
        }

        app.UseMiddleware<CrossSiteGuard>();
        app.UseMiddleware<PolicyDecisionMiddleware>(); // authorization, remembered tokens decided first
        HealthEndpoints.Map(app);
        // Anonymous: with a management listener it is served there only (see ManagementListenerMiddleware).
        app.MapAuthProxyTelemetry()?.WithMetadata(ManagementEndpoint.Only);
        var tokenServices = app.Services.GetRequiredService<IOptions<TokenServicesOptions>>().Value;
        JwksEndpoint.Map(app);
        if (tokenServices.Gsql)
        {
            GsqlEndpoints.Map(app);
        }

        if (tokenServices.GridGain)
        {
            GridGainEndpoints.Map(app);
        }

        if (tokenServices.DataHub)
        {
            GraphQLEndpoint.Map(app);
        }

        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ProxyErrorMiddleware>();
            proxy.UseMiddleware<ParameterGuardMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }

    /// <summary>
    /// The refusal for an exception no stage handled: a request Kestrel could not read (malformed
    /// chunked framing, a body over the limit) is the client's fault and says so; anything else is ours.
    /// </summary>
    private static Refusal Failure(Exception? error) => error switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new Refusal(RefusalKind.RequestTooLarge, "The request body is larger than AuthProxy accepts"),
        BadHttpRequestException => new Refusal(RefusalKind.InvalidRequest, "The request is malformed: its body cannot be read"),
        StoreUnavailableException => new Refusal(RefusalKind.StoreUnavailable, "The token store does not answer; nothing was changed. Try again shortly")
        {
            RetryAfter = TimeSpan.FromSeconds(5),
        },
        StoreTextException => new Refusal(RefusalKind.InvalidRequest, StoreText.Refused),
        _ => new Refusal(RefusalKind.Internal, "AuthProxy failed to handle the request"),
    };

    /// <summary>X-Forwarded-For and -Proto from the trusted proxies only; null when none is configured.</summary>
    private static ForwardedHeadersOptions? ForwardedHeaders(AuthProxyOptions options)
    {
        if (options.TrustedProxies.Length == 0)
        {
            return null;
        }

        // No hop limit: the middleware walks X-Forwarded-For from the right and stops at the first
        // address that is not a trusted proxy, so a chain of load balancers works and a client's own
        // entries (further left) are never believed.
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
            ForwardLimit = null,
        };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in options.TrustedProxies)
        {
            if (AuthProxyOptions.TryParseTrustedProxy(entry, out var network))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        }

        return forwarded;
    }

    /// <summary>Loads keys, users and routes, gathering every problem before giving up.</summary>
    private static async Task InitializeAsync(WebApplication app)
    {
        var services = app.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AuthProxy.Startup");
        var problems = await LoadAsync(services, StartupMode.Start, app.Lifetime.ApplicationStopping);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Log.StartupProblem(logger, problem);
            }

            await app.DisposeAsync();
            throw new ConfigurationProblemsException(problems);
        }

        if (!services.GetRequiredService<IOptions<EnforcementOptions>>().Value.EnableAuth)
        {
            Log.AuthenticationDisabled(logger);
        }
        else if (services.GetRequiredService<UserDirectory>().Count == 0)
        {
            Log.NobodyCanAuthenticate(logger);
        }
    }

    /// <summary>
    /// Reads settings, keys, users and routes as a start does, gathering every problem. A start
    /// opens the store too; <c>config validate</c> does not (it writes nothing), but waits for each
    /// key URL's first answer and lists the ones that did not load.
    /// </summary>
    internal static async Task<List<string>> LoadAsync(IServiceProvider services, StartupMode mode, CancellationToken cancellationToken)
    {
        var problems = new List<string>(StartupValidation.Problems(services));
        if (problems.Count == 0 && mode == StartupMode.Start)
        {
            problems.AddRange(await InitializeStoreAsync(services, cancellationToken));
        }

        if (problems.Count == 0)
        {
            var issuers = services.GetRequiredService<TrustedIssuers>();
            problems.AddRange(await issuers.InitializeAsync(cancellationToken));
            if (mode == StartupMode.Validate)
            {
                await issuers.WaitForFirstFetchesAsync(cancellationToken);
            }

            if (problems.Count == 0 && (mode == StartupMode.Validate || services.GetRequiredService<IOptions<KeyFetchOptions>>().Value.RequireInitialLoad))
            {
                problems.AddRange(issuers.NotLoaded(mode == StartupMode.Validate ? null : KeyFetchOptions.SectionName + ":RequireInitialLoad is true"));
            }
        }

        // Users and routes are read even when options failed, so their problems are listed too.
        problems.AddRange(services.GetRequiredService<UserDirectory>().Initialize());
        try
        {
            problems.AddRange(await services.GetRequiredService<RoutesFileLoader>().InitializeAsync());
        }
        catch (OptionsValidationException)
        {
            // The routes loader needs AuthProxy's options, whose failures are already listed.
        }

        return problems;
    }

    /// <summary>
    /// Opens (creating or migrating) the store, then loads what lives in it: signing keys,
    /// revocations, the secret hash key. Instances of a shared store take turns here (the start
    /// lock), so the first makes the keys and the others find them.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> InitializeStoreAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IAuthProxyStore>();
        try
        {
            await store.InitializeAsync(cancellationToken);
            await using (await store.HoldStartLockAsync(cancellationToken))
            {
                await services.GetRequiredService<StoreChangeFeed>().MarkStartAsync(cancellationToken);
                await services.GetRequiredService<SigningKeyRing>().InitializeAsync(cancellationToken);
                var time = services.GetRequiredService<TimeProvider>();
                var revocations = services.GetRequiredService<RevocationList>();
                var loading = time.GetTimestamp();
                await revocations.LoadAsync(store, time.GetUtcNow(), cancellationToken);
                var elapsedMs = (long)time.GetElapsedTime(loading).TotalMilliseconds;
                var loaded = revocations.Count;
                var logger = services.GetRequiredService<ILogger<RevocationList>>();
                Log.RevocationsLoaded(logger, loaded, elapsedMs);
                await services.GetRequiredService<SecretHasher>().InitializeAsync(cancellationToken);
            }

            return [];
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StoreUnavailableException or IOException
            or UnauthorizedAccessException or InvalidOperationException or System.Security.Cryptography.CryptographicException || PostgresStore.IsPostgresError(ex))
        {
            return [$"{StoreOptions.SectionName}: the store cannot be opened: {ex.Message}"];
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.RevocationsLoaded, Level = LogLevel.Information, Message = "Loaded {Count} revocation(s) and block list entries in {ElapsedMs} ms")]
        public static partial void RevocationsLoaded(ILogger logger, int count, long elapsedMs);

        [LoggerMessage(EventId = LogEvents.StartupProblem, Level = LogLevel.Critical, Message = "Configuration problem: {Problem}")]
        public static partial void StartupProblem(ILogger logger, string problem);

        [LoggerMessage(EventId = LogEvents.AuthenticationDisabled, Level = LogLevel.Warning, Message = "RESTPP:Factory:EnableAuth is false: every route is proxied WITHOUT authentication")]
        public static partial void AuthenticationDisabled(ILogger logger);

        [LoggerMessage(EventId = LogEvents.NobodyCanAuthenticate, Level = LogLevel.Warning,
            Message = "No users are declared (Users): every credential is refused, only anonymous routes can be used")]
        public static partial void NobodyCanAuthenticate(ILogger logger);
    }
}
