using AuthProxy.Errors;
using AuthProxy.Policy;
using Microsoft.AspNetCore.Mvc;

namespace AuthProxy.Tokens.DataHub;

/// <summary>
/// <c>POST /api/graphql</c> (and DataHub's frontend path <c>/api/v2/graphql</c>): the standard
/// <c>{"query","variables","operationName"}</c> request, answered with the standard
/// <c>{"data","errors"}</c> shape, introspection included. The caller is whoever authenticated
/// (Bearer or Basic); an <c>X-DataHub-Actor</c> header from the client means nothing here.
/// <see cref="GraphQLRequestHandler"/> answers it, within <see cref="Configuration.GraphQLOptions"/>.
/// </summary>
internal static class GraphQLEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var path in new[] { "/api/graphql", "/api/v2/graphql" })
        {
            app.MapPost(path, (HttpContext context, [FromServices] GraphQLRequestHandler handler) => handler.HandleAsync(context))
                .RequireAuthorization(BuiltInPolicies.DataHub.Name).WithErrorStyle(ErrorStyle.Problem).RefuseCrossSite();
        }
    }
}
