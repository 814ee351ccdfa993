using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>Every option's problems at once, as the start and the <c>config</c> verbs list them.</summary>
internal static class StartupValidation
{
    /// <summary>
    /// The typed values that could not be read (<see cref="Settings.TypedSettings"/>), then every
    /// option registered to be validated at start; the failures, empty when there are none.
    /// </summary>
    public static IReadOnlyList<string> Problems(IServiceProvider services)
    {
        IReadOnlyList<string> typed = services.GetService<Settings.TypedSettingsProblems>()?.Problems ?? [];
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return typed;
        }
        catch (OptionsValidationException ex)
        {
            return [.. typed, .. ex.Failures];
        }
        catch (AggregateException ex)
        {
            return [.. typed, .. ex.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures)];
        }
    }
}
