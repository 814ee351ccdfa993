namespace AuthProxy.Tests.Common;

/// <summary>Routes files with per-route limits and claim rules, in front of a given backend.</summary>
public static class LimitRoutes
{
    /// <summary>
    /// <c>/limited/*</c>: 3 per 3 s per user; <c>/limited-problem/*</c>: 1 an hour per address, RFC 7807;
    /// <c>/restpp/sleep/{ms}</c>: 2 in flight per user; <c>/dead/*</c>: 1 in flight, to a backend that is not there;
    /// <c>/hourly/*</c>: <paramref name="hourlyPermits"/> an hour per user.
    /// </summary>
    public static string Limits(Uri backend, int hourlyPermits = 2, string extraPolicies = "") => $$"""
        {
          "ReverseProxy": {
            "Routes": {
              "limited": { "ClusterId": "backend", "AuthorizationPolicy": "rate-user", "Match": { "Path": "/limited/{**rest}" } },
              "limited-problem": { "ClusterId": "backend", "AuthorizationPolicy": "rate-address", "Match": { "Path": "/limited-problem/{**rest}" } },
              "slow": { "ClusterId": "backend", "AuthorizationPolicy": "two-at-a-time", "Match": { "Path": "/restpp/sleep/{ms}" } },
              "dead": { "ClusterId": "nowhere", "AuthorizationPolicy": "one-at-a-time", "Match": { "Path": "/dead/{**rest}" } },
              "hourly": { "ClusterId": "backend", "AuthorizationPolicy": "hourly", "Match": { "Path": "/hourly/{**rest}" } }
            },
            "Clusters": {
              "backend": { "Destinations": { "main": { "Address": "{{backend}}" } } },
              "nowhere": { "Destinations": { "main": { "Address": "http://127.0.0.1:9/" } } }
            }
          },
          "AuthPolicies": {
            "rate-user": { "RateLimit": { "Permits": 3, "Window": "00:00:03", "By": "user" } },
            "rate-address": { "ErrorStyle": "Problem", "RateLimit": { "Permits": 1, "Window": "01:00:00", "By": "address" } },
            "two-at-a-time": { "Concurrency": { "Max": 2, "By": "user" } },
            "one-at-a-time": { "Concurrency": { "Max": 1, "By": "user" } },
            "hourly": { "RateLimit": { "Permits": {{hourlyPermits}}, "Window": "1h", "By": "user" } }{{extraPolicies}}
          }
        }
        """;

    /// <summary>
    /// Claim rules: <c>/scoped</c> needs scopes read and write; <c>/tenant</c> needs tenant acme or
    /// globex and group admins; <c>/service-a</c> and <c>/service-b</c> bind tokens to their audience;
    /// <c>/claims-out</c> forwards tenant and groups in headers.
    /// </summary>
    public static string Claims(Uri backend) => $$"""
        {
          "ReverseProxy": {
            "Routes": {
              "scoped": { "ClusterId": "backend", "AuthorizationPolicy": "scoped", "Match": { "Path": "/scoped" } },
              "tenant": { "ClusterId": "backend", "AuthorizationPolicy": "tenant", "Match": { "Path": "/tenant" } },
              "service-a": { "ClusterId": "backend", "AuthorizationPolicy": "service-a", "Match": { "Path": "/service-a" } },
              "service-b": { "ClusterId": "backend", "AuthorizationPolicy": "service-b", "Match": { "Path": "/service-b" } },
              "claims-out": { "ClusterId": "backend", "AuthorizationPolicy": "claims-out", "Match": { "Path": "/claims-out" } }
            },
            "Clusters": { "backend": { "Destinations": { "main": { "Address": "{{backend}}" } } } }
          },
          "AuthPolicies": {
            "scoped": { "Scopes": [ "read", "write" ] },
            "tenant": { "Claims": { "tenant": [ "acme", "globex" ], "groups": [ "admins" ] }, "ErrorStyle": "Problem" },
            "service-a": { "Schemes": [ "Bearer" ], "Audiences": [ "service-a" ] },
            "service-b": { "Schemes": [ "Bearer" ], "Audiences": [ "service-b" ] },
            "claims-out": { "ClaimHeaders": { "X-AuthProxy-Claim-Tenant": "tenant", "X-AuthProxy-Claim-Groups": "groups" } }
          }
        }
        """;
}
