namespace AuthProxy.Configuration;

/// <summary>
/// Thrown at start-up when configuration is unusable; carries every problem found, not the first.
/// </summary>
internal sealed class ConfigurationProblemsException : Exception
{
    public ConfigurationProblemsException(IReadOnlyList<string> problems)
        : base("AuthProxy cannot start: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public ConfigurationProblemsException()
        : this([])
    {
    }

    public ConfigurationProblemsException(string message)
        : this([message])
    {
    }

    public ConfigurationProblemsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; } = [];
}
