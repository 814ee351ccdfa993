using System.Text.Json;

namespace AuthProxy.Tests.Common;

/// <summary>Routes files in front of one HTTPS backend: <c>/tls/...</c> (anonymous, RESTPP bodies) and <c>/problem/...</c> (Basic, RFC 7807 bodies).</summary>
public static class TlsRoutes
{
    /// <param name="backend">The backend's address.</param>
    /// <param name="metadata">The cluster's <c>Metadata</c> (AuthProxy's TLS settings).</param>
    /// <param name="httpClient">The cluster's YARP <c>HttpClient</c> section, as JSON.</param>
    /// <param name="http11">Forward with HTTP/1.1 only (so that a backend closing every connection makes a handshake per request).</param>
    public static string Json(Uri backend, IDictionary<string, string>? metadata = null, string? httpClient = null, bool http11 = false)
    {
        var extras = new List<string>();
        if (metadata is not null)
        {
            extras.Add($"\"Metadata\": {JsonSerializer.Serialize(metadata)}");
        }

        if (httpClient is not null)
        {
            extras.Add($"\"HttpClient\": {httpClient}");
        }

        if (http11)
        {
            extras.Add("\"HttpRequest\": { \"Version\": \"1.1\", \"VersionPolicy\": \"RequestVersionExact\" }");
        }

        var cluster = string.Concat(extras.Select(e => e + ", "));
        return $$"""
            {
              "ReverseProxy": {
                "Routes": {
                  "tls": { "ClusterId": "tls", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/tls/{**rest}" } },
                  "tls-problem": { "ClusterId": "tls", "AuthorizationPolicy": "problem", "Match": { "Path": "/problem/{**rest}" } }
                },
                "Clusters": {
                  "tls": { {{cluster}}"Destinations": { "main": { "Address": "{{backend}}" } } }
                }
              },
              "AuthPolicies": {
                "problem": { "Schemes": [ "Basic" ], "ErrorStyle": "Problem" }
              }
            }
            """;
    }
}
