using AuthProxy.Hosting;
using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>
/// Checks <c>AuthProxy:Management:Urls</c> with the other options at start-up, against the main
/// listener as the operator gave it (<see cref="ManagementListener"/> read it before adding the
/// management addresses to Kestrel's).
/// </summary>
internal sealed class ManagementOptionsValidator(ManagementListener listener) : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options) =>
        listener.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(listener.Problems);
}
