namespace AuthProxy.Errors;

/// <summary>Endpoint metadata: the error style of one of AuthProxy's own endpoints (RESTPP for GSQL, RFC 7807 for GridGain and DataHub).</summary>
internal sealed class ErrorStyleMetadata(ErrorStyle style)
{
    public ErrorStyle Style { get; } = style;
}
