namespace AuthProxy.Telemetry;

/// <summary>
/// Every log event id AuthProxy writes, one constant an event, for <c>[LoggerMessage(EventId = ...)]</c>.
/// The ids are stable: operators filter and alert on them, and the README names them. Each feature
/// has its own range: 1-99 hosting and settings, 1000s routes, 1200s users, 1300s keys, 1400s
/// policies, 1500s forwarding, 1600s signing keys, 1700s token services, 1800s the store, 1900s
/// GraphQL, 2000s certificate files (TLS). A new event takes the next free id in its feature's range; an id is never reused.
/// </summary>
internal static class LogEvents
{
    // Hosting and settings

    /// <summary>A configuration problem stops the start (Critical).</summary>
    public const int StartupProblem = 1;

    /// <summary><c>RESTPP:Factory:EnableAuth</c> is false: nothing is authenticated (Warning).</summary>
    public const int AuthenticationDisabled = 2;

    /// <summary>No users are declared: nobody can authenticate (Warning).</summary>
    public const int NobodyCanAuthenticate = 3;

    /// <summary>The access line of one request: route, method, path, user, graph, result, reason, status, duration, client, trace id (level: <c>AuthProxy:AccessLog:Level</c>).</summary>
    public const int RequestLogged = 20;

    /// <summary>AuthProxy is not ready, and why: logged once per change of readiness (Warning).</summary>
    public const int NotReady = 30;

    /// <summary>AuthProxy is ready: key sources, routes and users in force; logged once per change of readiness (Information).</summary>
    public const int Ready = 31;

    /// <summary>AuthProxy is ready but degraded (a key refresh failing within its grace period); logged once per change (Warning).</summary>
    public const int ReadyDegraded = 32;

    /// <summary>A settings file change was refused; the last good settings stay (Error).</summary>
    public const int SettingsRefused = 10;

    /// <summary>Settings changed that take effect only after a restart (Warning).</summary>
    public const int SettingsNeedRestart = 11;

    // Routes

    /// <summary>The routes file was loaded at start (Information).</summary>
    public const int RoutesLoaded = 1001;

    /// <summary>The routes file was reloaded (Information).</summary>
    public const int RoutesReloaded = 1002;

    /// <summary>One problem of a refused routes change (Error).</summary>
    public const int RoutesChangeProblem = 1003;

    /// <summary>A routes change was refused whole; the last good revision stays (Error).</summary>
    public const int RoutesChangeRefused = 1004;

    // Users

    /// <summary>The users were reloaded (Information).</summary>
    public const int UsersReloaded = 1201;

    /// <summary>One problem of a refused users change (Error).</summary>
    public const int UsersChangeProblem = 1202;

    /// <summary>A users change was refused whole; the last good users stay (Error).</summary>
    public const int UsersChangeRefused = 1203;

    /// <summary>A user's password hash is below the current strength (Warning).</summary>
    public const int WeakPasswordHash = 1204;

    /// <summary>A user's password hash has other parameters than most users' (its timing tells the name apart) (Warning).</summary>
    public const int UnusualHashParameters = 1205;

    // Keys

    /// <summary>Keys were reloaded from a file (Information).</summary>
    public const int KeyFileReloaded = 1301;

    /// <summary>A key file change was refused; the last good keys stay (Error).</summary>
    public const int KeyFileChangeRefused = 1302;

    /// <summary>Keys given inline or in a file were loaded at start (Information).</summary>
    public const int KeysLoaded = 1303;

    /// <summary>Keys were fetched from a URL (Information).</summary>
    public const int KeysFetched = 1310;

    /// <summary>A key fetch failed: source, URL (redacted), outcome and cause (Warning).</summary>
    public const int KeyFetchFailed = 1311;

    /// <summary>Some keys of a fetched set were skipped (Warning).</summary>
    public const int KeysSkipped = 1312;

    /// <summary>A key source was not loaded at start; AuthProxy starts not ready (Warning).</summary>
    public const int KeysStillLoading = 1313;

    /// <summary>A key client's request was answered (Debug).</summary>
    public const int KeyRequestAnswered = 1320;

    /// <summary>A key client's request failed (Debug).</summary>
    public const int KeyRequestFailed = 1321;

    // Authentication

    /// <summary>A Bearer token was refused; the message shows the token masked (Debug: the access line tells the refusal).</summary>
    public const int BearerRefused = 1101;

    // Policies

    /// <summary>A route names a policy that is not defined; its requests are refused (Error).</summary>
    public const int UnknownPolicy = 1401;

    // Forwarding

    /// <summary>Forwarding to a backend failed (Warning).</summary>
    public const int ForwardingFailed = 1501;

    /// <summary>A body was refused while it was being forwarded, for a parameter AuthProxy refuses; the backend never received it whole (Debug: the access line tells the refusal).</summary>
    public const int BodyParameterRefused = 1502;

    /// <summary>The TLS connection to a backend failed: route, cluster, destination, cause and detail (Warning).</summary>
    public const int UpstreamTlsFailed = 1503;

    /// <summary>A cluster accepts any backend certificate, logged at every load of the routes (Warning).</summary>
    public const int DangerousCertificatesAccepted = 1504;

    /// <summary>A cluster's CA bundle or client certificate cannot be read when its HTTP client is made (Error).</summary>
    public const int UpstreamTlsFilesUnreadable = 1505;

    // Signing keys

    /// <summary>A new signing key took over (Information).</summary>
    public const int SigningKeyRotated = 1601;

    /// <summary>A signing key was removed after its last token expired (Information).</summary>
    public const int SigningKeyRemoved = 1602;

    /// <summary>A stored signing key cannot be decrypted and is ignored (Error).</summary>
    public const int SigningKeyUnreadable = 1603;

    // Token services

    /// <summary>Token maintenance purged expired rows (Debug).</summary>
    public const int TokenMaintenanceRan = 1701;

    /// <summary>Token maintenance failed; it runs again at the next interval (Error).</summary>
    public const int TokenMaintenanceFailed = 1702;

    /// <summary>A secret was retired because another user created one with the same value (Warning).</summary>
    public const int SecretRetired = 1711;

    /// <summary>A user no longer declared had their tokens revoked and secrets dropped (Warning).</summary>
    public const int RemovedUserRevoked = 1712;

    /// <summary>A removed user's credentials could not all be revoked; retried at the next start (Error).</summary>
    public const int RemovedUserCleanupFailed = 1713;

    /// <summary>Revocations and block list entries were loaded from the store at start, with how long it took (Information).</summary>
    public const int RevocationsLoaded = 1714;

    // Store

    /// <summary>A store file open to other users was tightened (Warning).</summary>
    public const int StoreFileModeTightened = 1801;

    /// <summary>The shared store stopped answering; decisions go on from memory, writes answer 503 (Error).</summary>
    public const int StoreUnavailable = 1802;

    /// <summary>The shared store answers again and this instance has caught up with its changes (Information).</summary>
    public const int StoreRecovered = 1803;

    /// <summary>This instance was too far behind the change log and reloaded revocations, block lists and keys (Warning).</summary>
    public const int StoreReloaded = 1804;

    /// <summary>Following the shared store failed for a reason other than an outage; it is retried (Error).</summary>
    public const int StoreFeedFailed = 1805;

    // GraphQL

    /// <summary>A GraphQL request was refused before validation (Information).</summary>
    public const int GraphQLRefused = 1901;

    /// <summary>A GraphQL request stopped at its deadline (Warning).</summary>
    public const int GraphQLDeadlinePassed = 1902;

    /// <summary>A GraphQL request stopped because its client went away (Information).</summary>
    public const int GraphQLAbandoned = 1903;

    // Certificate files (TLS)

    /// <summary>Changed certificate files (the listener's certificate, a backend CA bundle or client certificate) were reloaded (Information).</summary>
    public const int TlsFilesReloaded = 2001;

    /// <summary>Changed certificate files cannot be loaded; the version in force stays (Error).</summary>
    public const int TlsFilesRefused = 2002;

    /// <summary>Checking the certificate files failed; the next check tries again (Error).</summary>
    public const int TlsFilesCheckFailed = 2003;
}
