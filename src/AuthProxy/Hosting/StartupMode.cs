namespace AuthProxy.Hosting;

/// <summary>Why the configuration is being loaded.</summary>
internal enum StartupMode
{
    /// <summary>The proxy is starting: the store is opened, key URLs get <c>InitialLoadTimeout</c>.</summary>
    Start,

    /// <summary><c>config validate</c>: nothing is written or listened on; every key URL's first fetch is awaited.</summary>
    Validate,
}
