using System.Globalization;
using AuthProxy.Configuration;
using AuthProxy.Limits;

namespace AuthProxy.Routing;

/// <summary>Reads a policy's <c>RateLimit</c> and <c>Concurrency</c>, reporting every problem.</summary>
internal static class LimitReader
{
    /// <summary>A window longer than this is refused (a day of permits is a quota, not a rate).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>Larger permit counts or maxima are refused.</summary>
    public const int MaxCount = 1_000_000;

    public static RateLimitSetting? ReadRateLimit(IConfigurationSection section, string where, List<string> problems)
    {
        if (!Present(section, where, ["Permits", "Window", "By"], problems))
        {
            return null;
        }

        var permits = ReadCount(section, "Permits", where, problems);
        TimeSpan window = default;
        if (section["Window"] is not { } windowText)
        {
            problems.Add($"{where}:Window: missing (a duration such as 00:00:01 or 1s)");
        }
        else if (!Duration.TryParse(windowText, out window))
        {
            problems.Add($"{where}:Window: '{windowText}' is not a duration ({Duration.Forms})");
        }
        else if (window <= TimeSpan.Zero || window > MaxWindow)
        {
            problems.Add($"{where}:Window: '{windowText}' must be more than zero and at most {MaxWindow:c}");
        }

        var by = ReadBy(section, where, problems);
        return permits is { } p && by is { } b && window > TimeSpan.Zero && window <= MaxWindow ? new RateLimitSetting(p, window, b) : null;
    }

    public static ConcurrencySetting? ReadConcurrency(IConfigurationSection section, string where, List<string> problems)
    {
        if (!Present(section, where, ["Max", "By"], problems))
        {
            return null;
        }

        var max = ReadCount(section, "Max", where, problems);
        var by = ReadBy(section, where, problems);
        return max is { } m && by is { } b ? new ConcurrencySetting(m, b) : null;
    }

    /// <summary>Whether the setting is there as an object; reports a plain value and unknown keys.</summary>
    private static bool Present(IConfigurationSection section, string where, string[] known, List<string> problems)
    {
        if (!section.Exists())
        {
            return false;
        }

        if (section.Value is not null)
        {
            problems.Add($"{where}: expected an object with {string.Join(", ", known)}");
            return false;
        }

        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{where}: unknown setting '{child.Key}' (expected {string.Join(", ", known)})");
            }
        }

        return true;
    }

    private static int? ReadCount(IConfigurationSection section, string name, string where, List<string> problems)
    {
        var text = section[name];
        if (text is null)
        {
            problems.Add($"{where}:{name}: missing (a whole number from 1 to {MaxCount})");
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > MaxCount)
        {
            problems.Add($"{where}:{name}: '{text}' must be a whole number from 1 to {MaxCount}");
            return null;
        }

        return value;
    }

    private static PartitionBy? ReadBy(IConfigurationSection section, string where, List<string> problems)
    {
        var text = section["By"];
        if (text is null)
        {
            problems.Add($"{where}:By: missing ({PartitionBy.Expected})");
            return null;
        }

        if (!PartitionBy.TryParse(text, out var by))
        {
            problems.Add($"{where}:By: '{text}' must be {PartitionBy.Expected}");
            return null;
        }

        return by;
    }
}
