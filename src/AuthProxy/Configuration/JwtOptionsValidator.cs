using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="JwtOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
}
