namespace AuthProxy.Configuration;

/// <summary>
/// <c>AuthProxy:Management</c>: a listener of its own for operators' endpoints. When set,
/// <c>GET /metrics</c> and the detailed <c>GET /readyz</c> are served there only; the main
/// listener answers <c>/readyz</c> with its status alone and <c>/healthz</c> as before.
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "AuthProxy:Management";

    /// <summary>
    /// Where the management listener listens: one or more <c>http(s)://HOST:PORT</c> URLs separated
    /// by <c>;</c> (as <c>--urls</c>), each on a fixed port that no main listener uses, for example
    /// <c>http://127.0.0.1:9090</c>.
    /// </summary>
    /// <value>The default value is none: <c>/metrics</c> and the detailed <c>/readyz</c> are served on the main listener, to anyone who can reach it.</value>
    public string? Urls { get; set; }
}
