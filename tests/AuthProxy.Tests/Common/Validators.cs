using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Keys;
using AuthProxy.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tests.Common;

/// <summary>A <see cref="TokenValidator"/> built from options and users, without a web host.</summary>
internal static class Validators
{
    public static async Task<(TokenValidator Validator, TrustedIssuers Issuers, UserDirectory Users)> CreateAsync(JwtOptions options, TimeProvider time, string? usersJson = null)
    {
        var directory = ProxyHost.CreateDirectory();
        var environment = new HostingEnvironment { ContentRootPath = directory };
        await File.WriteAllTextAsync(Path.Combine(directory, "users.json"), usersJson ?? TestUsers.Json());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Users"] = "@users.json" }).Build();

        var users = new UserDirectory(configuration, environment, NullLogger<UserDirectory>.Instance);
        Assert.Empty(users.Initialize());
        var issuers = new TrustedIssuers(Options.Create(options), environment, time, NullLoggerFactory.Instance);
        Assert.Empty(await issuers.InitializeAsync(CancellationToken.None));
        return (new TokenValidator(issuers, users, Options.Create(options), time), issuers, users);
    }
}
