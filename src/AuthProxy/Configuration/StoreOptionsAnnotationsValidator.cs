using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="StoreOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsAnnotationsValidator : IValidateOptions<StoreOptions>
{
}
