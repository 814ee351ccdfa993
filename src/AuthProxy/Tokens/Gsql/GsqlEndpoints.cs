using AuthProxy.Errors;
using AuthProxy.Policy;

namespace AuthProxy.Tokens.Gsql;

/// <summary>
/// TigerGraph's GSQL token service as TigerGraph 4 serves it and pyTigerGraph calls it: the HTTP
/// shapes (bodies, query parameters, RESTPP-style answers) in front of <see cref="GsqlTokenService"/>
/// and <see cref="GsqlSecretService"/>. This is the route table; the handlers are
/// <see cref="GsqlTokenEndpoints"/> and <see cref="GsqlSecretEndpoints"/>.
/// </summary>
internal static class GsqlEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var policy = BuiltInPolicies.Gsql.Name;
        var gsql = app.MapGroup(string.Empty).WithErrorStyle(ErrorStyle.Restpp);
        gsql.MapPost("/gsql/v1/tokens", GsqlTokenEndpoints.CreateTokenAsync).AllowAnonymous().RefuseCrossSite();
        gsql.MapDelete("/gsql/v1/tokens", GsqlTokenEndpoints.DropTokensAsync).RequireAuthorization(policy).RefuseCrossSite();
        gsql.MapPost("/gsql/v1/tokens/check", GsqlTokenEndpoints.CheckTokenAsync).AllowAnonymous().RefuseCrossSite();
        gsql.MapPost("/gsql/v1/secrets", GsqlSecretEndpoints.CreateSecretAsync).RequireAuthorization(policy).RefuseCrossSite();
        gsql.MapGet("/gsql/v1/secrets", GsqlSecretEndpoints.ListSecretsAsync).RequireAuthorization(policy);
        gsql.MapGet("/gsql/v1/secrets/{alias}", GsqlSecretEndpoints.GetSecretAsync).RequireAuthorization(policy);
        gsql.MapDelete("/gsql/v1/secrets/{alias}", GsqlSecretEndpoints.DropSecretAsync).RequireAuthorization(policy).RefuseCrossSite();
        gsql.MapDelete("/gsql/v1/secrets", GsqlSecretEndpoints.DropSecretsAsync).RequireAuthorization(policy).RefuseCrossSite();
    }
}
