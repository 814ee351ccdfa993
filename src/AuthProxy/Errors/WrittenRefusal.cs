namespace AuthProxy.Errors;

/// <summary>The request feature that tells what refusal was written for the request, for its access line.</summary>
internal sealed record WrittenRefusal(Refusal Refusal);
