namespace AuthProxy.Configuration;

/// <summary><c>RESTPP:Factory</c>: TigerGraph's switch for RESTPP authentication.</summary>
public sealed class EnforcementOptions
{
    public const string SectionName = "RESTPP:Factory";

    /// <summary>
    /// When false, every route is proxied with no authentication (the client's
    /// <c>Authorization</c> header passes through; identity headers are still removed).
    /// </summary>
    /// <value>The default value is true.</value>
    public bool EnableAuth { get; set; } = true;
}
