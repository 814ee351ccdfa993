namespace AuthProxy.Tls;

/// <summary>What checking certificate files for a change came to.</summary>
internal enum ReloadResultKind
{
    /// <summary>Nothing changed, or a failure already reported.</summary>
    Unchanged,
    /// <summary>The files changed and the new version is in force.</summary>
    Reloaded,
    /// <summary>The files changed but cannot be loaded; the version in force stays.</summary>
    Refused,
}
