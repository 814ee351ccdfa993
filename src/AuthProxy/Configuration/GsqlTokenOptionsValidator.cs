using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="GsqlTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GsqlTokenOptionsValidator : IValidateOptions<GsqlTokenOptions>
{
}
