namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:TokenServices</c>: which token services AuthProxy hosts. A service that is off leaves its paths to the routes file.</summary>
public sealed class TokenServicesOptions
{
    public const string SectionName = "AuthProxy:TokenServices";

    /// <summary>TigerGraph's <c>/gsql/v1/tokens</c> and <c>/gsql/v1/secrets</c>.</summary>
    /// <value>The default value is true.</value>
    public bool Gsql { get; set; } = true;

    /// <summary>GridGain 9's <c>/management/v1/authentication/*</c>.</summary>
    /// <value>The default value is true.</value>
    public bool GridGain { get; set; } = true;

    /// <summary>DataHub's personal access tokens at <c>/api/graphql</c>.</summary>
    /// <value>The default value is true.</value>
    public bool DataHub { get; set; } = true;

    /// <summary>
    /// Browser origins (<c>https://host[:port]</c>) besides AuthProxy's own that may call the token
    /// services' state-changing endpoints. Every other cross-site request to them is refused.
    /// </summary>
    /// <value>The default value is empty: same-origin browser requests and non-browser clients only.</value>
    public string[] AllowedOrigins { get; set; } = [];
}
