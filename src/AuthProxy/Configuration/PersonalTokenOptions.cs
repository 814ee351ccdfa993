namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:PersonalTokens</c>: DataHub-style personal access tokens.</summary>
public sealed class PersonalTokenOptions
{
    public const string SectionName = "AuthProxy:PersonalTokens";

    /// <summary>
    /// Whether tokens that never expire (<c>NO_EXPIRY</c>) may be created. Off unless the operator
    /// chooses it: a token that never expires also keeps its signing key in the JWKS forever.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowNoExpiry { get; set; }

    /// <summary>The longest duration a token may be created with; longer ones (and <c>NO_EXPIRY</c>) are refused.</summary>
    /// <value>The default value is none: any of DataHub's durations.</value>
    public TimeSpan? MaxDuration { get; set; }
}
