using System.Diagnostics;

namespace AuthProxy.Telemetry;

/// <summary>AuthProxy's <see cref="ActivitySource"/> and the names of its spans and tags. Tags never hold a token, secret or password.</summary>
internal static class AuthProxyTelemetry
{
    public const string SourceName = "AuthProxy";

    public static readonly ActivitySource Source = new(SourceName);

    public const string DecisionSpan = "authproxy.authorize";
    public const string KeyFetchSpan = "authproxy.key.fetch";
    public const string TokenIssueSpan = "authproxy.token.issue";
    public const string TokenRevokeSpan = "authproxy.token.revoke";

    public const string RouteTag = "authproxy.route";
    public const string PolicyTag = "authproxy.policy";
    public const string SchemeTag = "authproxy.scheme";
    public const string ResultTag = "authproxy.result";
    public const string ReasonTag = "authproxy.reason";
    public const string UserTag = "authproxy.user";
    public const string SourceTag = "authproxy.key.source";
    public const string OutcomeTag = "authproxy.key.outcome";
    public const string CauseTag = "authproxy.key.cause";
    public const string FamilyTag = "authproxy.token.family";
    public const string CountTag = "authproxy.token.count";
}
