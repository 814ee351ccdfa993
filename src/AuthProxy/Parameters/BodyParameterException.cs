namespace AuthProxy.Parameters;

/// <summary>
/// Thrown by <see cref="ParameterScanningStream"/> to stop forwarding a body that carries a refused
/// parameter; YARP then aborts the request to the backend before its last byte is sent.
/// </summary>
internal sealed class BodyParameterException : IOException
{
    public BodyParameterException()
        : base("The request body carries a parameter AuthProxy refuses")
    {
    }

    public BodyParameterException(string message)
        : base(message)
    {
    }

    public BodyParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
