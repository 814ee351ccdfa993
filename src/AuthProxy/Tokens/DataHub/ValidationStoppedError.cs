using AuthProxy.Configuration;
using GraphQL;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// Thrown by <see cref="ValidationGuardRule"/> to stop validation past
/// <see cref="GraphQLOptions.MaxErrors"/>. graphql-dotnet answers with it alone, so it carries the
/// errors reported before it; the answer lists them, then it.
/// </summary>
internal sealed class ValidationStoppedError : ExecutionError
{
    public const string StoppedCode = "MAX_ERRORS_EXCEEDED";

    public ValidationStoppedError(IReadOnlyList<ExecutionError> reported, int maxErrors)
        : base($"Validation stopped after {maxErrors} errors ({GraphQLOptions.SectionName}:{nameof(GraphQLOptions.MaxErrors)}).")
    {
        Reported = reported;
        Code = StoppedCode;
    }

    public IReadOnlyList<ExecutionError> Reported { get; }
}
