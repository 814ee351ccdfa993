using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>The rule between <see cref="GsqlTokenOptions"/> settings: the default lifetime is within the maximum.</summary>
internal sealed class GsqlTokenLifetimeValidator : IValidateOptions<GsqlTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, GsqlTokenOptions options) =>
        options.DefaultLifetime > options.MaxLifetime
            ? ValidateOptionsResult.Fail($"{GsqlTokenOptions.SectionName}:DefaultLifetime ({options.DefaultLifetime} ms) is longer than {GsqlTokenOptions.SectionName}:MaxLifetime ({options.MaxLifetime} ms)")
            : ValidateOptionsResult.Success;
}
