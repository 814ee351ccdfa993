namespace AuthProxy.Errors;

/// <summary>Gives an endpoint its error style.</summary>
internal static class ErrorStyleEndpointExtensions
{
    public static TBuilder WithErrorStyle<TBuilder>(this TBuilder builder, ErrorStyle style)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ErrorStyleMetadata(style));
}
