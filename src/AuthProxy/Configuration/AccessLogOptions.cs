using System.ComponentModel.DataAnnotations;

namespace AuthProxy.Configuration;

/// <summary>
/// <c>AuthProxy:AccessLog</c>: the one structured line AuthProxy writes for each request it
/// decides (category <c>AuthProxy.Access</c>, event 20): route, method, path without its query,
/// user, graph, result, reason, status, duration, client address and trace id.
/// </summary>
public sealed class AccessLogOptions
{
    public const string SectionName = "AuthProxy:AccessLog";

    /// <summary>The level the lines are written at; <c>None</c> turns the access log off.</summary>
    /// <value>The default value is <c>Information</c>.</value>
    public LogLevel Level { get; set; } = LogLevel.Information;

    /// <summary>The share of allowed requests logged, spread evenly (0.1: one in ten); 0 to 1.</summary>
    /// <value>The default value is 1: every allowed request.</value>
    [Range(0.0, 1.0)]
    public double AllowedSampleRate { get; set; } = 1.0;

    /// <summary>The share of refused and failed requests logged, spread evenly; 0 to 1.</summary>
    /// <value>The default value is 1: every refusal.</value>
    [Range(0.0, 1.0)]
    public double RefusedSampleRate { get; set; } = 1.0;
}
