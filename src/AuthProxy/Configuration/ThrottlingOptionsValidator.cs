using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="ThrottlingOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ThrottlingOptionsValidator : IValidateOptions<ThrottlingOptions>
{
}
