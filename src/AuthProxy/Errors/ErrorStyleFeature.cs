namespace AuthProxy.Errors;

/// <summary>
/// The error style of the request in hand, decided once (by <see cref="Routing.ErrorStyleMiddleware"/>)
/// and carried on the request, as YARP carries its forwarder error: a stage that refuses says only
/// what went wrong, and <see cref="RefusalWriter"/> writes it in this style.
/// </summary>
internal sealed class ErrorStyleFeature(ErrorStyle style)
{
    public ErrorStyle Style { get; set; } = style;
}
