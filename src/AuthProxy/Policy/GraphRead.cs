namespace AuthProxy.Policy;

/// <summary>What <see cref="GraphSource.TryRead"/> found.</summary>
internal enum GraphRead
{
    /// <summary>Exactly one non-empty value.</summary>
    Found,

    /// <summary>No value, or an empty one.</summary>
    Missing,

    /// <summary>More than one value.</summary>
    Ambiguous,

    /// <summary>Another spelling of the name that some backend reads as the name (refused, fail closed).</summary>
    Twin,

    /// <summary>For a query parameter: a cookie whose name some backend reads as the parameter (refused, fail closed).</summary>
    CookieTwin,
}
