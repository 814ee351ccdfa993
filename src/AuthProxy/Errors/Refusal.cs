namespace AuthProxy.Errors;

/// <summary>
/// A decided refusal: its kind and the message the client reads. Messages never hold a whole
/// token, secret or password; tokens appear only as <see cref="TokenMask.Mask"/> writes them.
/// </summary>
internal readonly record struct Refusal(RefusalKind Kind, string Message)
{
    public string Reason => RefusalKinds.Reason(Kind);

    public int Status => RefusalKinds.Status(Kind);

    public string Code => RefusalKinds.Code(Kind);

    /// <summary>For throttled requests: when to try again (the <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
