namespace AuthProxy.Errors;

/// <summary>Endpoint metadata: the error style of one of AuthProxy's own endpoints (RESTPP for GSQL, RFC 7807 for GridGain and DataHub).</summary>
internal sealed class ErrorStyleMetadata(ErrorStyle style)
{
    public ErrorStyle Style { get; } = style;
}

/// <summary>Gives an endpoint its error style.</summary>
internal static class ErrorStyleEndpointExtensions
{
    public static TBuilder WithErrorStyle<TBuilder>(this TBuilder builder, ErrorStyle style)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ErrorStyleMetadata(style));
}
