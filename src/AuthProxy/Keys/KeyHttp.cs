using System.Collections.Concurrent;
using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Tls;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace AuthProxy.Keys;

/// <summary>
/// The named <see cref="HttpClient"/>s that fetch keys: one per trust configuration (the global
/// CA bundle or system store, and each provider with its own bundle), each with its own
/// resilience pipeline (total timeout, retries with exponential backoff and jitter, a circuit
/// breaker per host, a per-attempt timeout). Redirects are not followed by the handler.
/// </summary>
internal sealed class KeyHttp
{
    public const string DefaultClient = "AuthProxy.Keys";

    /// <summary>Carries the TLS failure cause out of the validation callback for the fetch's log line.</summary>
    public static readonly HttpRequestOptionsKey<TlsDiagnostics> Diagnostics = new("AuthProxy.Keys.Tls");

    private readonly ConcurrentDictionary<string, ReloadingFiles<CaBundle>?> _bundles = new(StringComparer.Ordinal);

    /// <summary>The client name for a provider: its own when it has its own CA bundle.</summary>
    public static string ClientFor(string? provider) => provider is null ? DefaultClient : $"{DefaultClient}:{provider}";

    /// <summary>
    /// Sets the CA bundle a client trusts (null: the system store); called once the bundles are loaded.
    /// Each handshake reads the bundle as it is on disk now (the files are re-read when they change).
    /// </summary>
    public void Trust(string client, ReloadingFiles<CaBundle>? bundle) => _bundles[client] = bundle;

    /// <summary>Registers the default client and one per provider declared with its own CaCertificate.</summary>
    public static void Register(IServiceCollection services, IEnumerable<string> providersWithOwnBundle)
    {
        foreach (var name in providersWithOwnBundle.Select(ClientFor).Prepend(DefaultClient).Distinct(StringComparer.Ordinal))
        {
            services.AddHttpClient(name)
                .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<KeyHttp>().CreateHandler(name))
                .AddResilienceHandler("keys", static (builder, context) =>
                {
                    var options = context.ServiceProvider.GetRequiredService<IOptions<KeyFetchOptions>>().Value;
                    builder.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                    Configure(builder, options);
                })
                // By origin, never GetLeftPart(Authority) as SelectPipelineByAuthority does: the pipeline's
                // key names it in Polly's log lines and metrics, and an authority keeps the URL's user info.
                .SelectPipelineBy(static _ => static request => Origin(request.RequestUri!));

            // The factory's own request lines mask only the query by default, and nothing when
            // DOTNET_SYSTEM_NET_HTTP_DISABLEURIREDACTION is set; these print the URL redacted, always.
            services.AddHttpClient(name).RemoveAllLoggers().AddLogger<KeyHttpLogger>();
        }

        services.TryAddSingleton<KeyHttpLogger>();

        // Polly reports each retry, timeout and open circuit as a warning or error with a stack
        // trace, dozens of lines per failed fetch; the fetch logs its outcome and cause in one line
        // (event 1311), so the pipelines' own events are detail, at Debug (the only pipelines here).
        services.Configure<Polly.Telemetry.TelemetryOptions>(options => options.SeverityProvider = static _ => Polly.Telemetry.ResilienceEventSeverity.Debug);
    }

    /// <summary>The circuit breaker's unit: scheme, host and port, without user info.</summary>
    internal static string Origin(Uri url) => url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, KeyFetchOptions options)
    {
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // A certificate the bundle does not trust will not become trusted by asking again.
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.CircuitBreakerFailureRatio,
            MinimumThroughput = options.CircuitBreakerMinimumThroughput,
            SamplingDuration = options.CircuitBreakerSamplingDuration,
            BreakDuration = options.CircuitBreakerBreakDuration,
        });
        builder.AddTimeout(options.AttemptTimeout);
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } } => false,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
        _ => false,
    };

    private HttpClientHandler CreateHandler(string client)
    {
        var trust = _bundles.GetValueOrDefault(client);
        return new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = true,
            ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
            {
                var problem = trust is null ? CaBundle.DescribeSystemErrors(errors)
                    : trust.Current is { } bundle ? bundle.Validate(certificate, chain, errors)
                    : $"the {trust.Description} cannot be read, so no certificate is trusted";
                if (problem is not null && request.Options.TryGetValue(Diagnostics, out var diagnostics))
                {
                    diagnostics.Problem = problem;
                }

                return problem is null;
            },
        };
    }
}
