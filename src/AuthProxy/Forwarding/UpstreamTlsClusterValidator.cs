using AuthProxy.Keys;
using AuthProxy.Tls;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;

namespace AuthProxy.Forwarding;

/// <summary>
/// Checks a cluster's TLS settings whenever the routes file is read, so that a bad edit is refused
/// whole and the routes in force stay: AuthProxy's metadata (names known, files readable, the
/// client certificate matching its key, a valid server name, https destinations only), and YARP's
/// <c>DangerousAcceptAnyServerCertificate</c>, refused unless <c>AuthProxy:Upstream:AllowDangerousCertificates</c>.
/// </summary>
internal sealed class UpstreamTlsClusterValidator(IOptions<UpstreamOptions> options, IHostEnvironment environment) : IClusterValidator
{
    private const string Metadata = "Metadata:";

    public ValueTask ValidateAsync(ClusterConfig cluster, IList<Exception> errors)
    {
        var problems = new List<string>();
        foreach (var key in cluster.Metadata?.Keys ?? [])
        {
            if (key.StartsWith(UpstreamTlsMetadata.Prefix, StringComparison.OrdinalIgnoreCase)
                && !UpstreamTlsMetadata.Names.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{Metadata}{key}: unknown AuthProxy setting (known: {string.Join(", ", UpstreamTlsMetadata.Names)})");
            }
        }

        var tls = UpstreamTlsMetadata.Read(cluster.Metadata, environment.ContentRootPath);
        CheckDangerous(cluster, tls, problems);
        if (tls.IsSet)
        {
            CheckFiles(tls, problems);
            CheckTransport(cluster, problems);
        }

        foreach (var problem in problems)
        {
            errors.Add(new ArgumentException(problem));
        }

        return ValueTask.CompletedTask;
    }

    private void CheckDangerous(ClusterConfig cluster, UpstreamTlsSettings tls, List<string> problems)
    {
        if (cluster.HttpClient?.DangerousAcceptAnyServerCertificate != true)
        {
            return;
        }

        if (!options.Value.AllowDangerousCertificates)
        {
            problems.Add("HttpClient:DangerousAcceptAnyServerCertificate turns off every check of the backends' certificates and is refused unless "
                + $"{UpstreamOptions.SectionName}:AllowDangerousCertificates is true; trust a private CA with {Metadata}{UpstreamTlsMetadata.CaCertificate} instead");
        }

        if (tls.CaCertificate is not null || tls.ServerName is not null)
        {
            problems.Add($"HttpClient:DangerousAcceptAnyServerCertificate checks no certificate, so {Metadata}{UpstreamTlsMetadata.CaCertificate} and {UpstreamTlsMetadata.ServerName} would have no effect; remove one or the other");
        }
    }

    private static void CheckFiles(UpstreamTlsSettings tls, List<string> problems)
    {
        if (tls.CaCertificate is { } ca)
        {
            CaBundle.Load(ca, Metadata + UpstreamTlsMetadata.CaCertificate, problems);
        }

        if (tls.ClientCertificate is null != tls.ClientKey is null)
        {
            problems.Add($"{Metadata}{UpstreamTlsMetadata.ClientCertificate} and {UpstreamTlsMetadata.ClientKey} go together: set both or neither");
        }
        else if (tls.ClientCertificate is { } certificate && tls.ClientKey is { } key)
        {
            CertificatePair.LoadPem(certificate, key, password: null, CertificatePair.ClientAuthentication, Metadata + UpstreamTlsMetadata.ClientCertificate, problems);
        }

        if (tls.ServerName is { } name && Uri.CheckHostName(name) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            problems.Add($"{Metadata}{UpstreamTlsMetadata.ServerName}: '{name}' is not a host name or IP address");
        }
    }

    /// <summary>TLS settings on a plain-HTTP destination would protect nothing: refused, rather than left to look as if they did.</summary>
    private static void CheckTransport(ClusterConfig cluster, List<string> problems)
    {
        foreach (var (id, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
        {
            if (Uri.TryCreate(destination.Address, UriKind.Absolute, out var address) && address.Scheme != Uri.UriSchemeHttps)
            {
                problems.Add($"Destinations:{id}: the address {destination.Address} is not https, but the cluster sets TLS settings ({Metadata}AuthProxy.*); use https:// or remove them");
            }
        }

        if (cluster.HttpClient?.WebProxy?.Address is not null)
        {
            problems.Add($"HttpClient:WebProxy: AuthProxy's TLS settings ({Metadata}AuthProxy.*) cannot be applied through a forward proxy; remove one or the other");
        }
    }
}
