namespace AuthProxy.Tokens;

/// <summary><c>GET /.well-known/jwks.json</c>: the public keys of AuthProxy's own tokens, for backends that verify them.</summary>
internal static class JwksEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/.well-known/jwks.json", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Text(context.RequestServices.GetRequiredService<SigningKeyRing>().Jwks, "application/json");
        }).AllowAnonymous();
}
