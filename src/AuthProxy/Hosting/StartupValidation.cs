using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>Every option's problems at once, as the start and the <c>config</c> verbs list them.</summary>
internal static class StartupValidation
{
    /// <summary>Validates every option registered to be validated at start; the failures, empty when there are none.</summary>
    public static IReadOnlyList<string> Problems(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
        catch (AggregateException ex)
        {
            return [.. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)];
        }
    }
}
