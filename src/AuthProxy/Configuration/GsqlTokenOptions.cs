using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary><c>GSQL:Token</c>: TigerGraph's settings for tokens from <c>/gsql/v1/tokens</c>.</summary>
public sealed class GsqlTokenOptions
{
    public const string SectionName = "GSQL:Token";

    /// <summary>Lifetime of a token when the request asks for none, in milliseconds.</summary>
    /// <value>The default value is 604800000 (7 days); 1 second to 3650 days.</value>
    [Range(1000L, 315_360_000_000L)]
    public long DefaultLifetime { get; set; } = 604_800_000;

    /// <summary>
    /// The longest lifetime a <c>/gsql/v1/tokens</c> request may ask for, in milliseconds; a longer
    /// request is refused. It bounds <see cref="DefaultLifetime"/> too.
    /// </summary>
    /// <value>The default value is 2592000000 (30 days); 1 second to 3650 days.</value>
    [Range(1000L, 315_360_000_000L)]
    public long MaxLifetime { get; set; } = 2_592_000_000;

    /// <summary>How many entries each user's token block list holds.</summary>
    /// <value>The default value is 20; 1 to 50.</value>
    [Range(1, 50)]
    public int DropLimit { get; set; } = 20;
}
