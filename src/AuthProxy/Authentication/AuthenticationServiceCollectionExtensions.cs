using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Authentication;

/// <summary>Registers token validation and the Bearer and Basic schemes.</summary>
internal static class AuthenticationServiceCollectionExtensions
{
    public static IServiceCollection AddAuthProxyAuthentication(this IServiceCollection services)
    {
        services.TryAddSingleton<TokenValidator>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, BearerHandler>(AuthSchemes.Bearer, configureOptions: null)
            .AddScheme<AuthenticationSchemeOptions, BasicHandler>(AuthSchemes.Basic, configureOptions: null);
        return services;
    }
}
