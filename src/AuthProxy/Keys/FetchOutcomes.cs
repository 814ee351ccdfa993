namespace AuthProxy.Keys;

internal static class FetchOutcomes
{
    public static string Tag(FetchOutcome outcome) => outcome switch
    {
        FetchOutcome.Success => "success",
        FetchOutcome.Dns => "dns",
        FetchOutcome.Connect => "connect",
        FetchOutcome.Tls => "tls",
        FetchOutcome.HttpStatus => "http_status",
        FetchOutcome.Timeout => "timeout",
        FetchOutcome.CircuitOpen => "circuit_open",
        FetchOutcome.TooLarge => "too_large",
        FetchOutcome.Redirect => "redirect",
        FetchOutcome.Parse => "parse",
        FetchOutcome.Empty => "empty",
        _ => "other",
    };
}
