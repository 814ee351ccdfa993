using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>The rules that tie <see cref="KeyFetchOptions"/> fields together.</summary>
internal sealed class KeyFetchOptionsValidator : IValidateOptions<KeyFetchOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyFetchOptions options)
    {
        var failures = new List<string>();
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            failures.Add($"{KeyFetchOptions.SectionName}:TotalTimeout ({options.TotalTimeout}) must be at least AttemptTimeout ({options.AttemptTimeout})");
        }

        if (options.MinimumRefreshInterval > options.RefreshInterval)
        {
            failures.Add($"{KeyFetchOptions.SectionName}:MinimumRefreshInterval ({options.MinimumRefreshInterval}) must not exceed RefreshInterval ({options.RefreshInterval})");
        }

        if (options.CircuitBreakerSamplingDuration < 2 * options.AttemptTimeout)
        {
            failures.Add($"{KeyFetchOptions.SectionName}:CircuitBreakerSamplingDuration ({options.CircuitBreakerSamplingDuration}) must be at least twice AttemptTimeout ({options.AttemptTimeout})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
