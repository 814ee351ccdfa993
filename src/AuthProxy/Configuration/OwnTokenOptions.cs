using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary><c>AuthProxy:Tokens</c>: AuthProxy's own tokens.</summary>
public sealed class OwnTokenOptions
{
    public const string SectionName = "AuthProxy:Tokens";

    /// <summary>The <c>iss</c> of tokens AuthProxy issues; it must differ from every trusted provider's issuer.</summary>
    /// <value>The default value is <c>AuthProxy</c>.</value>
    [Required]
    public string Issuer { get; set; } = "AuthProxy";

    /// <summary>How AuthProxy signs: <c>RS256</c> (RSA 2048) or <c>ES256</c> (P-256).</summary>
    /// <value>The default value is <c>RS256</c>.</value>
    [RegularExpression("^(RS256|ES256)$", ErrorMessage = "AuthProxy:Tokens:SigningAlgorithm must be RS256 or ES256.")]
    public string SigningAlgorithm { get; set; } = "RS256";
}
