using System.Text.Json;
using AuthProxy.Policy;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQL.Validation.Complexity;
using GraphQL.Validation.Rules.Custom;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// <c>POST /api/graphql</c> (and DataHub's frontend path <c>/api/v2/graphql</c>): the standard
/// <c>{"query","variables","operationName"}</c> request, answered with the standard
/// <c>{"data","errors"}</c> shape, introspection included. The caller is whoever authenticated
/// (Bearer or Basic); an <c>X-DataHub-Actor</c> header from the client means nothing here.
/// </summary>
internal static class GraphQLEndpoint
{
    private static readonly IValidationRule[] Rules =
    [
        .. DocumentValidator.CoreRules,
        new ComplexityValidationRule(new ComplexityOptions { MaxDepth = 15, MaxComplexity = 5000 }),
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/api/graphql", "/api/v2/graphql" })
        {
            app.MapPost(path, ExecuteAsync).RequireAuthorization(BuiltInPolicies.DataHub.Name).RefuseCrossSite(Errors.ErrorStyle.Problem);
        }
    }

    private static async Task ExecuteAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var serializer = services.GetRequiredService<IGraphQLTextSerializer>();
        GraphQLRequest? request = null;
        string? problem = null;
        if (context.Request.ContentLength > RequestJson.MaxBytes)
        {
            problem = $"The request is larger than {RequestJson.MaxBytes} bytes.";
        }
        else
        {
            try
            {
                using var limited = new MemoryStream();
                await context.Request.Body.CopyToAsync(limited, context.RequestAborted);
                if (limited.Length > RequestJson.MaxBytes)
                {
                    problem = $"The request is larger than {RequestJson.MaxBytes} bytes.";
                }
                else
                {
                    limited.Position = 0;
                    request = await serializer.ReadAsync<GraphQLRequest>(limited, context.RequestAborted);
                }
            }
            catch (JsonException)
            {
                problem = "The request body is not JSON of the form {\"query\", \"variables\", \"operationName\"}.";
            }
        }

        if (request?.Query is not { Length: > 0 } && problem is null)
        {
            problem = "The request has no query.";
        }

        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await serializer.WriteAsync(context.Response.Body, new ExecutionResult { Errors = [new ExecutionError(problem) { Code = "BAD_REQUEST" }] },
                context.RequestAborted);
            return;
        }

        var result = await services.GetRequiredService<IDocumentExecuter>().ExecuteAsync(options =>
        {
            options.Schema = services.GetRequiredService<ISchema>();
            options.Query = request!.Query;
            options.Variables = request.Variables;
            options.Extensions = request.Extensions;
            options.OperationName = request.OperationName;
            options.RequestServices = services;
            options.User = context.User;
            options.ValidationRules = Rules;
            options.CancellationToken = context.RequestAborted;
        });

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = result.Executed ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }
}
