using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Authentication;

/// <summary>Registers token validation and the Bearer (ASP.NET Core's JwtBearer) and Basic schemes.</summary>
internal static class AuthenticationServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyAuthentication(this IServiceCollection services)
    {
        services.TryAddSingleton<VerifiedTokenCache>();
        services.TryAddSingleton<TokenValidator>();
        services.TryAddSingleton<AuthProxyTokenHandler>();
        services.TryAddSingleton<BearerEvents>();
        services.AddAuthentication()
            .AddJwtBearer(AuthSchemes.Bearer)
            .AddScheme<AuthenticationSchemeOptions, BasicHandler>(AuthSchemes.Basic, configureOptions: null);

        // After AddJwtBearer, so it runs after the standard section has been applied.
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, BearerOptionsSetup>();
        return services;
    }
}
