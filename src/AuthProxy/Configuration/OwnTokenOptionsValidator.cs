using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="OwnTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class OwnTokenOptionsValidator : IValidateOptions<OwnTokenOptions>
{
}
