namespace AuthProxy.Errors;

/// <summary>
/// Why a request was refused. Each kind has one stable <c>reason</c> word, a status code and an
/// error code; <see cref="RefusalKinds"/> holds that table.
/// </summary>
internal enum RefusalKind
{
    /// <summary>No credential, or an empty one.</summary>
    Missing,
    /// <summary>The credential is not in a valid format (not a JWT, bad base64, bad JSON).</summary>
    Format,
    /// <summary>The signature does not verify, or the credential is otherwise untrusted.</summary>
    Verification,
    /// <summary>The token's <c>exp</c> has passed.</summary>
    Expired,
    /// <summary>The token's <c>nbf</c> or <c>iat</c> is in the future.</summary>
    NotYetValid,
    /// <summary>The token's <c>iss</c> is not the configured or a trusted one.</summary>
    Issuer,
    /// <summary>The token's <c>aud</c> does not include the configured one.</summary>
    Audience,
    /// <summary>The token's <c>sub</c> names no declared user.</summary>
    UnknownUser,
    /// <summary>The credential is valid but not for the request's graph.</summary>
    GraphScope,
    /// <summary>The user lacks a privilege the route requires.</summary>
    Privilege,
    /// <summary>The token lacks a scope the route's policy requires (<c>Scopes</c>), or the caller has no token scopes at all.</summary>
    Scope,
    /// <summary>A claim the route's policy requires (<c>Claims</c>) or forwards (<c>ClaimHeaders</c>) is missing, does not match, or cannot be used.</summary>
    Claim,
    /// <summary>The caller's partition used up the route's <c>RateLimit</c> for now.</summary>
    RateLimited,
    /// <summary>The caller's partition already has the route's <c>Concurrency</c> maximum of requests in flight.</summary>
    Concurrency,
    /// <summary>The token was revoked or blocked.</summary>
    Revoked,
    /// <summary>The keys needed to verify the token could not be loaded.</summary>
    KeyUnavailable,
    /// <summary>Any other authentication failure.</summary>
    Other,
    /// <summary>No route matches the request.</summary>
    NoRoute,
    /// <summary>A route matches the path but not the method.</summary>
    MethodNotAllowed,
    /// <summary>The request path is ambiguous (encoded slashes, dot segments, empty segments).</summary>
    BadPath,
    /// <summary>
    /// The request carries a parameter refused on every route (the method override <c>_method</c>,
    /// or a route's own), or a body in which AuthProxy cannot look for one.
    /// </summary>
    BadParameter,
    /// <summary>The backend refused the connection or failed mid-response.</summary>
    UpstreamUnavailable,
    /// <summary>The TLS connection to the backend failed: its certificate is not trusted, or it refused AuthProxy's client certificate.</summary>
    UpstreamTls,
    /// <summary>No healthy backend destination is available.</summary>
    NoDestination,
    /// <summary>The backend did not answer in time.</summary>
    UpstreamTimeout,
    /// <summary>The request was refused because it is not allowed at this time (throttling).</summary>
    TooManyRequests,
    /// <summary>A token service request that is malformed or asks for something impossible.</summary>
    InvalidRequest,
    /// <summary>A token service request names something that does not exist.</summary>
    NotFound,
    /// <summary>A token service request collides with what exists (an alias in use).</summary>
    Conflict,
    /// <summary>A token service request would exceed a configured limit (the block list size, live tokens or secrets per user).</summary>
    LimitExceeded,
    /// <summary>A state-changing token service request came from a page of another site.</summary>
    CrossSite,
    /// <summary>The request body is larger than AuthProxy accepts.</summary>
    RequestTooLarge,
    /// <summary>A token service could not reach the store: nothing was written (decisions on tokens go on from memory).</summary>
    StoreUnavailable,
    /// <summary>A fault inside AuthProxy.</summary>
    Internal,
}
