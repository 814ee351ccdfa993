using System.Diagnostics.Metrics;
using AuthProxy.Authentication;
using AuthProxy.Hosting;
using AuthProxy.Keys;
using AuthProxy.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AuthProxy.Tests.Common;

/// <summary>AuthProxy's token validation wired as the server wires it, without the web host.</summary>
internal sealed class Validators : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private Validators(ServiceProvider services)
    {
        _services = services;
    }

    public TokenValidator Validator => _services.GetRequiredService<TokenValidator>();

    public TrustedIssuers Issuers => _services.GetRequiredService<TrustedIssuers>();

    public FakeLogCollector Logs => _services.GetRequiredService<FakeLogCollector>();

    public IServiceProvider Services => _services;

    /// <summary>Builds and initialises; <paramref name="expectProblems"/> false asserts a clean start.</summary>
    public static async Task<Validators> CreateAsync(IDictionary<string, string?> settings, TimeProvider time, string? usersJson = null, bool expectProblems = false)
    {
        var directory = ProxyHost.CreateDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "users.json"), usersJson ?? TestUsers.Json());
        var all = new Dictionary<string, string?>(settings) { ["Users"] = "@users.json" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging());
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = directory });
        services.AddSingleton(time);
        // Registered as an instance, so the container does not dispose it: see LingeringMeterFactory.
        services.AddSingleton<IMeterFactory>(new LingeringMeterFactory());
        services.AddAuthProxy(configuration);
        var provider = services.BuildServiceProvider();

        Assert.Empty(provider.GetRequiredService<UserDirectory>().Initialize());
        Assert.Empty(await AuthProxyApp.InitializeStoreAsync(provider, CancellationToken.None));
        var problems = await provider.GetRequiredService<TrustedIssuers>().InitializeAsync(CancellationToken.None);
        Assert.True(expectProblems || problems.Count == 0, string.Join("\n", problems));

        return new Validators(provider);
    }

    public async Task<TokenValidation> ValidateAsync(string token) => await Validator.ValidateAsync(token, CancellationToken.None);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
