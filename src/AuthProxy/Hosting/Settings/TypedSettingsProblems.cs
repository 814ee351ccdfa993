namespace AuthProxy.Hosting.Settings;

/// <summary>The typed values the configuration could not read (<see cref="TypedSettings"/>), for the start's problem list.</summary>
internal sealed record TypedSettingsProblems(IReadOnlyList<string> Problems);
