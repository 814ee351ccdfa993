using GraphQL.Validation;
using GraphQLParser.AST;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// Listed before graphql-dotnet's own rules, on every node of both validation passes: stops
/// validation as soon as the request is cancelled (its deadline passed, or the client left), as
/// graphql-dotnet's walks do not look at the token themselves; and stops it once more than
/// <c>maxErrors</c> errors are reported, since each error costs a scan of the document for its
/// location and a place in the answer.
/// </summary>
internal sealed class ValidationGuardRule : ValidationRuleBase
{
    private readonly INodeVisitor _visitor;

    public ValidationGuardRule(int maxErrors)
    {
        _visitor = new MatchingNodeVisitor<ASTNode>(enter: (_, context) =>
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (context.HasErrors && context.Errors.Count() > maxErrors)
            {
                throw new ValidationStoppedError(context.Errors.Take(maxErrors).ToList(), maxErrors);
            }
        });
    }

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(_visitor);

    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context) => new(_visitor);
}
