using GraphQL;

namespace AuthProxy.Tokens.DataHub;

/// <summary>Why a GraphQL document is refused before it is validated: a code for <c>extensions.code</c> and a message naming the bound and its limit.</summary>
internal sealed record BoundViolation(string Code, string Message)
{
    /// <summary>graphql-dotnet's own code for a fragment that spreads itself.</summary>
    public const string FragmentCycleCode = "NO_FRAGMENT_CYCLES";

    public const string NotExecutableCode = "BAD_REQUEST";

    public ExecutionError ToError() => new(Message) { Code = Code };
}
