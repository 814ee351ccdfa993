using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tls;

/// <summary>
/// Checks the listener's TLS at start with the other options: the certificate's files load, no
/// Kestrel setting lowers the protocol floor below TLS 1.2 (<c>Kestrel:EndpointDefaults:SslProtocols</c>,
/// <c>Kestrel:Endpoints:NAME:SslProtocols</c>, an SNI entry's), and every <c>Protocols</c> setting
/// reads and offers HTTP/1.1 or HTTP/2.
/// </summary>
internal sealed class ListenerTlsValidator(ListenerCertificate certificate, IConfiguration configuration) : IValidateOptions<ListenerCertificateOptions>
{
    /// <summary>The protocols a listener may offer: TLS 1.2 and 1.3.</summary>
    public const SslProtocols Allowed = SslProtocols.Tls12 | SslProtocols.Tls13;

    public ValidateOptionsResult Validate(string? name, ListenerCertificateOptions options)
    {
        var problems = new List<string>(certificate.Problems);
        foreach (var section in Descendants(configuration.GetSection("Kestrel")))
        {
            if (string.Equals(section.Key, "SslProtocols", StringComparison.OrdinalIgnoreCase))
            {
                var values = section.Value is { } single ? single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
                foreach (var value in values.Concat(section.GetChildren().Select(c => c.Value).OfType<string>()))
                {
                    if (!Enum.TryParse<SslProtocols>(value, ignoreCase: true, out var protocols) || protocols == SslProtocols.None || (protocols & ~Allowed) != 0)
                    {
                        problems.Add($"{section.Path}: '{value}' is refused; AuthProxy's listener offers TLS 1.2 and TLS 1.3 only (Tls12, Tls13)");
                    }
                }
            }
            else if (string.Equals(section.Key, "Protocols", StringComparison.OrdinalIgnoreCase) && section.Value is { } value
                && (!Enum.TryParse<HttpProtocols>(value, ignoreCase: true, out var protocols) || (protocols & HttpProtocols.Http1AndHttp2) == 0))
            {
                // HTTP/3's transport (QUIC) is not loaded: HTTP/3 alone would stop the start with
                // Kestrel's stack trace, and Kestrel silently replaces a value it cannot read with its default.
                problems.Add($"{section.Path}: '{value}' is refused; AuthProxy's listener offers HTTP/1.1 and HTTP/2 (Http1, Http2, Http1AndHttp2), not HTTP/3");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<IConfigurationSection> Descendants(IConfigurationSection section)
    {
        foreach (var child in section.GetChildren())
        {
            yield return child;
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
