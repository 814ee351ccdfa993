using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="AuthProxyOptions"/>: every trusted proxy is an IP address or a CIDR network; the shutdown timeout is 0 to 1 hour; the graph body bound is 1 KiB to 16 MiB.</summary>
internal sealed class AuthProxyOptionsValidator : IValidateOptions<AuthProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthProxyOptions options)
    {
        var failures = options.TrustedProxies
            .Where(p => !AuthProxyOptions.TryParseTrustedProxy(p, out _))
            .Select(p => $"{AuthProxyOptions.SectionName}:TrustedProxies: '{p}' is neither an IP address nor a CIDR network")
            .ToList();
        if (options.ShutdownTimeout < TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{AuthProxyOptions.SectionName}:ShutdownTimeout must be from 00:00:00 to 01:00:00 (it is {options.ShutdownTimeout})");
        }

        if (options.MaxGraphBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add($"{AuthProxyOptions.SectionName}:MaxGraphBodyBytes must be from 1024 to 16777216 (it is {options.MaxGraphBodyBytes})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
