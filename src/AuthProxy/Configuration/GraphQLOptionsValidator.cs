using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Validates <see cref="GraphQLOptions"/> from its data annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GraphQLOptionsValidator : IValidateOptions<GraphQLOptions>
{
}
