using AuthProxy.Telemetry;
using AuthProxy.Tokens.DataHub;
using AuthProxy.Tokens.GridGain;
using AuthProxy.Tokens.Gsql;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthProxy.Tokens;

/// <summary>Registers AuthProxy's own tokens and the token services.</summary>
internal static class TokensServiceCollectionExtensions
{
    /// <summary>
    /// Revocations, signing keys, issuing and revoking, their upkeep (expired rows, removed users),
    /// and the GSQL, GridGain and DataHub services with DataHub's GraphQL schema.
    /// </summary>
    public static IServiceCollection AddAuthProxyTokens(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var revocations = new RevocationList();
            sp.GetRequiredService<AuthProxyMetrics>().ObserveRevocations(() => revocations.Count);
            return revocations;
        });
        services.TryAddSingleton<SigningKeyRing>();
        services.TryAddSingleton<SecretHasher>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<TokenRevoker>();
        services.AddHostedService<TokenMaintenanceService>();
        services.AddHostedService<RemovedUserCleanup>();

        services.TryAddSingleton<GsqlTokenService>();
        services.TryAddSingleton<GsqlSecretService>();
        services.TryAddSingleton<GridGainAuthService>();
        services.TryAddSingleton<PersonalTokenService>();
        services.TryAddSingleton(GraphQLRequestHandler.Create);
        return services;
    }
}
