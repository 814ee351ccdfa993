using System.Runtime.CompilerServices;
using System.Text.Json;
using AuthProxy.Authentication;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// Answers one GraphQL request under a deadline (<see cref="GraphQLOptions.ExecutionTimeout"/>,
/// linked with the client's disconnection): reads the body (at most
/// <see cref="RequestJson.MaxBytes"/>), parses the query once with a recursion bound, holds the
/// document to <see cref="DocumentBounds"/>, and only then hands the parsed document to
/// graphql-dotnet for validation and execution. Every refusal is a GraphQL error body with a code.
/// </summary>
internal sealed partial class GraphQLRequestHandler(ISchema schema, IDocumentExecuter executer, IGraphQLTextSerializer serializer,
    IOptions<GraphQLOptions> options, TimeProvider time, ILogger<GraphQLRequestHandler> logger)
{
    public const string TimeoutCode = "TIMEOUT";

    private const string BadRequestCode = "BAD_REQUEST";

    /// <summary>The error code of a mutation refused because the store does not answer (reason <c>store-unavailable</c> elsewhere).</summary>
    public const string StoreUnavailableCode = "SERVICE_UNAVAILABLE";

    private static readonly string TooLarge = $"The request is larger than {RequestJson.MaxBytes} bytes.";

    /// <summary>
    /// The handler with DataHub's schema and graphql-dotnet's executer and serializer, made by the
    /// container on the first GraphQL request: until then graphql-dotnet is not loaded at all.
    /// </summary>
    public static GraphQLRequestHandler Create(IServiceProvider services) =>
        new(new AccessTokenSchema(), new DocumentExecuter(), new GraphQL.SystemTextJson.GraphQLSerializer(),
            services.GetRequiredService<IOptions<GraphQLOptions>>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<GraphQLRequestHandler>>());

    /// <summary>graphql-dotnet's standard rules, after the guard that makes them honour cancellation and stop at MaxErrors.</summary>
    private readonly IValidationRule[] _rules = [new ValidationGuardRule(options.Value.MaxErrors), .. DocumentValidator.CoreRules];

    public async Task HandleAsync(HttpContext context)
    {
        var limits = options.Value;
        using var deadline = new CancellationTokenSource(limits.ExecutionTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        var stage = new StrongBox<string>("reading the request");
        var user = CallerIdentity.From(context.User)?.User.Name ?? "?";
        ExecutionResult result;
        try
        {
            result = await AnswerAsync(context, limits, user, stage, linked.Token);
        }
        catch (Exception exception) when (exception is IOException || (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            // The client is gone, or its body broke off (Kestrel: "Unexpected end of request content"): the work has stopped, nobody waits for an answer.
            Log.Abandoned(logger, user, stage.Value!, exception is BadHttpRequestException broken ? broken.Message : "the client disconnected");
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            }

            return;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Log.DeadlinePassed(logger, user, limits.ExecutionTimeout, stage.Value!);
            result = Refusal(new ExecutionError(
                $"The request did not finish within {limits.ExecutionTimeout} ({GraphQLOptions.SectionName}:{nameof(GraphQLOptions.ExecutionTimeout)}); "
                + $"its work was stopped while {stage.Value}.") { Code = TimeoutCode });
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.StatusCode = result.Executed ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        await serializer.WriteAsync(context.Response.Body, result, context.RequestAborted);
    }

    private async Task<ExecutionResult> AnswerAsync(HttpContext context, GraphQLOptions limits, string user, StrongBox<string> stage,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await ReadAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return Refusal(new ExecutionError(problem) { Code = BadRequestCode });
        }

        stage.Value = "parsing the query";
        var (document, error) = Parse(request!.Query!, limits);
        if (error is not null)
        {
            return Refusal(error);
        }

        stage.Value = "checking the query's bounds";
        var report = DocumentBounds.Check(document!, limits, cancellationToken);
        if (report.Violation is { } violation)
        {
            Log.Refused(logger, user, violation.Code, violation.Message);
            return Refusal(violation.ToError());
        }

        stage.Value = "validating and executing the query";
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = schema,
            Document = document,
            Variables = request.Variables,
            Extensions = request.Extensions,
            OperationName = request.OperationName,
            RequestServices = context.RequestServices,
            User = context.User,
            ValidationRules = _rules,
            CancellationToken = cancellationToken,
            UnhandledExceptionDelegate = StoreUnavailable,
        });
        return result.Errors?.OfType<ValidationStoppedError>().FirstOrDefault() is { } stopped
            ? new ExecutionResult { Errors = [.. stopped.Reported, stopped] }
            : result;
    }

    /// <summary>
    /// A resolver that could not reach the store, or was given text no store holds, answers a clear
    /// error of its own, not "Error trying to resolve field".
    /// </summary>
    private static Task StoreUnavailable(UnhandledExceptionContext context)
    {
        if (context.OriginalException is Storage.StoreUnavailableException)
        {
            context.Exception = new ExecutionError("The token store does not answer; nothing was changed. Try again shortly") { Code = StoreUnavailableCode };
        }
        else if (context.OriginalException is Storage.StoreTextException)
        {
            context.Exception = new ExecutionError(Storage.StoreText.Refused + ".") { Code = BadRequestCode };
        }

        return Task.CompletedTask;
    }

    /// <summary>The <c>{"query","variables","operationName"}</c> body, read into memory no further than <see cref="RequestJson.MaxBytes"/>.</summary>
    private async Task<(GraphQLRequest? Request, string? Problem)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (http.ContentLength > RequestJson.MaxBytes)
        {
            return (null, TooLarge);
        }

        using var body = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > RequestJson.MaxBytes)
            {
                return (null, TooLarge);
            }

            body.Write(chunk, 0, read);
        }

        // Held to one reading first: graphql-dotnet's reader throws on a member named twice inside
        // the variables, and silently takes the last "query" when the body names it twice.
        if (RequestJson.Problem(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } problem && !string.Equals(problem, RequestJson.NotJson, StringComparison.Ordinal))
        {
            return (null, $"The request body {problem}.");
        }

        body.Position = 0;
        GraphQLRequest? request;
        try
        {
            request = await serializer.ReadAsync<GraphQLRequest>(body, cancellationToken);
        }
        catch (JsonException)
        {
            return (null, "The request body is not JSON of the form {\"query\", \"variables\", \"operationName\"}.");
        }

        return request?.Query is { Length: > 0 } ? (request, null) : (null, "The request has no query.");
    }

    /// <summary>Parses once, with the parser's recursion bounded by <see cref="GraphQLOptions.ParserDepth"/>.</summary>
    private static (GraphQLDocument? Document, ExecutionError? Error) Parse(string query, GraphQLOptions limits)
    {
        try
        {
            return (Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = limits.ParserDepth }), null);
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return (null, GraphQLBound.ParserDepth.Exceeded(limits, "The document").ToError());
        }
        catch (GraphQLSyntaxErrorException exception)
        {
            return (null, new SyntaxError(exception));
        }
    }

    private static ExecutionResult Refusal(ExecutionError error) => new() { Errors = [error] };

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.GraphQLRefused, Level = LogLevel.Information, Message = "GraphQL request from {User} refused before validation: {Code}: {Detail}")]
        public static partial void Refused(ILogger logger, string user, string code, string detail);

        [LoggerMessage(EventId = LogEvents.GraphQLDeadlinePassed, Level = LogLevel.Warning, Message = "GraphQL request from {User} stopped at its deadline ({Timeout}) while {Stage}")]
        public static partial void DeadlinePassed(ILogger logger, string user, TimeSpan timeout, string stage);

        [LoggerMessage(EventId = LogEvents.GraphQLAbandoned, Level = LogLevel.Information, Message = "GraphQL request from {User} stopped while {Stage}: {Reason}")]
        public static partial void Abandoned(ILogger logger, string user, string stage, string reason);
    }
}
