namespace AuthProxy.Errors;

/// <summary>The fixed table behind each <see cref="RefusalKind"/>: reason word, status and code.</summary>
internal static class RefusalKinds
{
    /// <summary>TigerGraph's code for every authentication and authorization refusal.</summary>
    public const string AccessDeniedCode = "REST-10016";

    public static string Reason(RefusalKind kind) => kind switch
    {
        RefusalKind.Missing => "missing",
        RefusalKind.Format => "format",
        RefusalKind.Verification => "verification",
        RefusalKind.Expired => "expired",
        RefusalKind.NotYetValid => "not-yet-valid",
        RefusalKind.Issuer => "issuer",
        RefusalKind.Audience => "audience",
        RefusalKind.UnknownUser => "unknown-user",
        RefusalKind.GraphScope => "graph-scope",
        RefusalKind.Privilege => "privilege",
        RefusalKind.Scope => "scope",
        RefusalKind.Claim => "claim",
        RefusalKind.RateLimited => "rate-limited",
        RefusalKind.Concurrency => "concurrency",
        RefusalKind.Revoked => "revoked",
        RefusalKind.KeyUnavailable => "key-unavailable",
        RefusalKind.Other => "other",
        RefusalKind.NoRoute => "no-route",
        RefusalKind.MethodNotAllowed => "method-not-allowed",
        RefusalKind.BadPath => "bad-path",
        RefusalKind.BadParameter => "bad-parameter",
        RefusalKind.UpstreamUnavailable => "upstream-unavailable",
        RefusalKind.UpstreamTls => "upstream-tls",
        RefusalKind.NoDestination => "no-destination",
        RefusalKind.UpstreamTimeout => "upstream-timeout",
        RefusalKind.TooManyRequests => "throttled",
        RefusalKind.InvalidRequest => "invalid-request",
        RefusalKind.NotFound => "not-found",
        RefusalKind.Conflict => "conflict",
        RefusalKind.LimitExceeded => "limit-exceeded",
        RefusalKind.CrossSite => "cross-site",
        RefusalKind.RequestTooLarge => "too-large",
        RefusalKind.StoreUnavailable => "store-unavailable",
        _ => "internal",
    };

    public static int Status(RefusalKind kind) => kind switch
    {
        RefusalKind.GraphScope or RefusalKind.Privilege or RefusalKind.Scope or RefusalKind.Claim or RefusalKind.CrossSite => StatusCodes.Status403Forbidden,
        RefusalKind.NoRoute => StatusCodes.Status404NotFound,
        RefusalKind.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        RefusalKind.BadPath or RefusalKind.BadParameter => StatusCodes.Status400BadRequest,
        RefusalKind.UpstreamUnavailable or RefusalKind.UpstreamTls => StatusCodes.Status502BadGateway,
        RefusalKind.NoDestination or RefusalKind.StoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        RefusalKind.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
        RefusalKind.TooManyRequests or RefusalKind.RateLimited or RefusalKind.Concurrency => StatusCodes.Status429TooManyRequests,
        RefusalKind.InvalidRequest or RefusalKind.LimitExceeded => StatusCodes.Status400BadRequest,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        RefusalKind.Internal => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status401Unauthorized,
    };

    public static string Code(RefusalKind kind) => kind switch
    {
        RefusalKind.NoRoute => "REST-1000",
        RefusalKind.MethodNotAllowed => "AUTHPROXY-405",
        RefusalKind.BadPath or RefusalKind.BadParameter => "AUTHPROXY-400",
        RefusalKind.UpstreamUnavailable or RefusalKind.UpstreamTls => "AUTHPROXY-502",
        RefusalKind.NoDestination or RefusalKind.StoreUnavailable => "AUTHPROXY-503",
        RefusalKind.UpstreamTimeout => "AUTHPROXY-504",
        RefusalKind.TooManyRequests or RefusalKind.RateLimited or RefusalKind.Concurrency => "AUTHPROXY-429",
        RefusalKind.InvalidRequest or RefusalKind.LimitExceeded => "AUTHPROXY-400",
        RefusalKind.NotFound => "AUTHPROXY-404",
        RefusalKind.Conflict => "AUTHPROXY-409",
        RefusalKind.CrossSite => "AUTHPROXY-403",
        RefusalKind.RequestTooLarge => "AUTHPROXY-413",
        RefusalKind.Internal => "AUTHPROXY-500",
        _ => AccessDeniedCode,
    };

    /// <summary>Whether the refusal is about the credential itself (401 with a challenge).</summary>
    public static bool IsChallenge(RefusalKind kind) => Status(kind) == StatusCodes.Status401Unauthorized;
}
