namespace AuthProxy.Storage;

/// <summary>Which token service issued a token.</summary>
internal enum TokenFamily
{
    /// <summary>TigerGraph's <c>/gsql/v1/tokens</c>.</summary>
    Gsql,
    /// <summary>GridGain 9's <c>/management/v1/authentication/login</c>.</summary>
    GridGain,
    /// <summary>DataHub's personal access tokens.</summary>
    Personal,
}
