using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="AccessLogOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AccessLogOptionsValidator : IValidateOptions<AccessLogOptions>
{
}
