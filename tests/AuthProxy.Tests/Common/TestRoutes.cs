namespace AuthProxy.Tests.Common;

/// <summary>Routes files for tests, in front of a given backend.</summary>
public static class TestRoutes
{
    /// <summary>
    /// The repo's routes plus a few more: graph from the query string and a header, a route with
    /// no policy (default), one that forwards the Authorization header, and a Problem-style route.
    /// </summary>
    public static string Standard(Uri backend, string extraPolicies = "", string extraRoutes = "") => $$"""
        {
          "ReverseProxy": {
            "Routes": {
              "restpp-query": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-read", "Match": { "Path": "/restpp/query/{graph}/{query}" } },
              "restpp-graph": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-write", "Match": { "Path": "/restpp/graph/{graph}/{**rest}" } },
              "restpp-echo": { "ClusterId": "restpp", "AuthorizationPolicy": "anonymous", "Match": { "Path": "/restpp/echo/{**rest}" } },
              "restpp-version": { "ClusterId": "restpp", "Match": { "Path": "/restpp/version" } },
              "by-query": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-query", "Match": { "Path": "/restpp/builtins" } },
              "by-header": { "ClusterId": "restpp", "AuthorizationPolicy": "graph-by-header", "Match": { "Path": "/gsql/v1/schema" } },
              "keep-auth": { "ClusterId": "restpp", "AuthorizationPolicy": "keep-auth", "Match": { "Path": "/restpp/keep" } },
              "bearer-only": { "ClusterId": "restpp", "AuthorizationPolicy": "bearer-only", "Match": { "Path": "/restpp/bearer" } },
              "post-only": { "ClusterId": "restpp", "Match": { "Path": "/restpp/post", "Methods": [ "POST" ] } },
              "management": { "ClusterId": "restpp", "AuthorizationPolicy": "management", "Match": { "Path": "/management/v1/{**rest}" } }{{extraRoutes}}
            },
            "Clusters": {
              "restpp": { "Destinations": { "main": { "Address": "{{backend}}" } } }
            }
          },
          "AuthPolicies": {
            "graph-read": { "Schemes": [ "Bearer", "Basic" ], "Graph": "route:graph", "Privileges": [ "READ_DATA" ], "ErrorStyle": "Restpp" },
            "graph-write": { "Schemes": [ "Bearer", "Basic" ], "Graph": "route:graph", "Privileges": [ "WRITE_DATA" ] },
            "graph-by-query": { "Schemes": [ "Bearer" ], "Graph": "query:graph", "Privileges": [ "READ_DATA" ] },
            "graph-by-header": { "Schemes": [ "Bearer" ], "Graph": "header:GSQL-GRAPH", "Privileges": [ "READ_DATA" ] },
            "keep-auth": { "Schemes": [ "Bearer" ], "ForwardAuthorization": true },
            "bearer-only": { "Schemes": [ "Bearer" ] },
            "management": { "Schemes": [ "Bearer", "Basic" ], "Privileges": [ "MANAGE_ACCESS_TOKENS" ], "ErrorStyle": "Problem" }{{extraPolicies}}
          }
        }
        """;
}
