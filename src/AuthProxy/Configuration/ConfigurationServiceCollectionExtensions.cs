using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthProxy.Configuration;

/// <summary>Registers AuthProxy's options with their validators.</summary>
internal static class ConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Binds every options class to its section and adds its validators, validated at start. The
    /// order is the order in which the start lists their problems.
    /// </summary>
    public static IServiceCollection AddAuthProxyOptions(this IServiceCollection services, IConfiguration configuration)
    {
        Duration.UseInConfiguration();
        AddOptions<AuthProxyOptions, AuthProxyOptionsValidator>(services, configuration, AuthProxyOptions.SectionName);
        services.AddOptions<EnforcementOptions>().Bind(configuration.GetSection(EnforcementOptions.SectionName));
        services.AddOptions<JwtOptions>().Bind(configuration.GetSection(JwtOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtProvidersValidator>());

        services.AddOptions<KeyFetchOptions>().Bind(configuration.GetSection(KeyFetchOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyFetchOptions>, KeyFetchOptionsDataValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyFetchOptions>, KeyFetchOptionsValidator>());

        AddOptions<GsqlTokenOptions, GsqlTokenOptionsValidator>(services, configuration, GsqlTokenOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GsqlTokenOptions>, GsqlTokenLifetimeValidator>());
        AddOptions<LimitsOptions, LimitsOptionsValidator>(services, configuration, LimitsOptions.SectionName);
        AddOptions<StoreOptions, StoreOptionsValidator>(services, configuration, StoreOptions.SectionName);
        AddOptions<OwnTokenOptions, OwnTokenOptionsValidator>(services, configuration, OwnTokenOptions.SectionName);
        AddOptions<ThrottlingOptions, ThrottlingOptionsValidator>(services, configuration, ThrottlingOptions.SectionName);
        AddOptions<ManagementOptions, ManagementOptionsValidator>(services, configuration, ManagementOptions.SectionName);
        AddOptions<GraphQLOptions, GraphQLOptionsValidator>(services, configuration, GraphQLOptions.SectionName);
        services.AddOptions<TokenServicesOptions>().Bind(configuration.GetSection(TokenServicesOptions.SectionName));
        services.AddOptions<PersonalTokenOptions>().Bind(configuration.GetSection(PersonalTokenOptions.SectionName));
        AddOptions<AccessLogOptions, AccessLogOptionsValidator>(services, configuration, AccessLogOptions.SectionName);
        return services;
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
