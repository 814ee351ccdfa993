using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="KeyFetchOptions"/>: data annotations (source-generated) and the rules between fields.</summary>
[OptionsValidator]
internal sealed partial class KeyFetchOptionsDataValidator : IValidateOptions<KeyFetchOptions>
{
}
