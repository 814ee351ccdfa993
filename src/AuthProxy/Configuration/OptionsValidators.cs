using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="GsqlTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GsqlTokenOptionsValidator : IValidateOptions<GsqlTokenOptions>
{
}

/// <summary>Validates <see cref="StoreOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
}

/// <summary>Validates <see cref="OwnTokenOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class OwnTokenOptionsValidator : IValidateOptions<OwnTokenOptions>
{
}

/// <summary>Validates <see cref="ThrottlingOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ThrottlingOptionsValidator : IValidateOptions<ThrottlingOptions>
{
}
