using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="GsqlTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GsqlTokenOptionsValidator : IValidateOptions<GsqlTokenOptions>
{
}

/// <summary>The rule between <see cref="GsqlTokenOptions"/> settings: the default lifetime is within the maximum.</summary>
internal sealed class GsqlTokenLifetimeValidator : IValidateOptions<GsqlTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, GsqlTokenOptions options) =>
        options.DefaultLifetime > options.MaxLifetime
            ? ValidateOptionsResult.Fail($"{GsqlTokenOptions.SectionName}:DefaultLifetime ({options.DefaultLifetime} ms) is longer than {GsqlTokenOptions.SectionName}:MaxLifetime ({options.MaxLifetime} ms)")
            : ValidateOptionsResult.Success;
}

/// <summary>Validates <see cref="LimitsOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
}

/// <summary>Validates <see cref="StoreOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
}

/// <summary>Validates <see cref="OwnTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class OwnTokenOptionsValidator : IValidateOptions<OwnTokenOptions>
{
}

/// <summary>Validates <see cref="ThrottlingOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ThrottlingOptionsValidator : IValidateOptions<ThrottlingOptions>
{
}

/// <summary>Validates <see cref="GraphQLOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GraphQLOptionsValidator : IValidateOptions<GraphQLOptions>
{
}

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
