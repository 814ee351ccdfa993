namespace AuthProxy.Keys;

/// <summary>How a key fetch ended; the metric tag is <see cref="FetchOutcomes.Tag"/>.</summary>
internal enum FetchOutcome
{
    Success,
    Dns,
    Connect,
    Tls,
    HttpStatus,
    Timeout,
    CircuitOpen,
    TooLarge,
    Redirect,
    Parse,
    Empty,
    Other,
}
